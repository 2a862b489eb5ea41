import Hummingbird
import Storage

/// The domains API's routes under `/api/v1`, each with the scope it needs.
public enum Routes {
    /// Every route: method and path, used for 405 answers and checked against `docs/openapi.yaml` by a test.
    public static let all: [(method: HTTPRequest.Method, path: String)] = [
        (.get, "/api/v1/domains"),
        (.post, "/api/v1/domains"),
        (.get, "/api/v1/domains/:id"),
        (.delete, "/api/v1/domains/:id"),
        (.get, "/api/v1/domains/:id/mailboxes"),
        (.post, "/api/v1/domains/:id/mailboxes"),
        (.post, "/api/v1/domains/:id/verify"),
    ]

    /// Builds the router.
    static func router(service: DomainService, verification: VerificationService,
                       writeLimiter: WriteRateLimiter) -> Router<APIRequestContext> {
        let router = Router(context: APIRequestContext.self)
        router.add(middleware: APIErrorMiddleware(routes: all.map { ($0.method, $0.path.split(separator: "/")) }))
        let api = router.group("api/v1")
            .add(middleware: APIKeyMiddleware(database: service.database, offload: service.offload))
            .add(middleware: WriteRateLimitMiddleware(limiter: writeLimiter))

        api.get("domains") { request, context -> JSONResponse in
            try context.require(.domainsManage)
            let query = request.uri.queryParameters
            let (page, pageSize) = try Pagination.parse { query[$0[...]].map(String.init) }
            return JSONResponse(.ok, try await service.list(page: page, pageSize: pageSize).json)
        }
        api.post("domains") { request, context -> JSONResponse in
            try context.require(.domainsManage)
            let body = try await request.decode(as: AddDomainRequest.self, context: context)
            return JSONResponse(.created, try await service.add(name: body.name).json)
        }
        api.get("domains/:id") { _, context -> JSONResponse in
            try context.require(.domainsManage)
            return JSONResponse(.ok, try await service.get(id: try context.parameters.require("id")).json)
        }
        api.delete("domains/:id") { _, context -> JSONResponse in
            try context.require(.domainsManage)
            try await service.delete(id: try context.parameters.require("id"))
            return JSONResponse(.ok, .object([("ok", .bool(true))]))
        }
        api.get("domains/:id/mailboxes") { _, context -> JSONResponse in
            try context.require(.mailboxesManage)
            let mailboxes = try await service.mailboxes(domainID: try context.parameters.require("id"))
            return JSONResponse(.ok, .object([("data", .array(mailboxes.map(\.json)))]))
        }
        api.post("domains/:id/mailboxes") { request, context -> JSONResponse in
            try context.require(.mailboxesManage)
            let body = try await request.decode(as: AddMailboxRequest.self, context: context)
            let mailbox = try await service.addMailbox(domainID: try context.parameters.require("id"),
                                                       localPart: body.localPart)
            return JSONResponse(.created, mailbox.json)
        }
        api.post("domains/:id/verify") { _, context -> JSONResponse in
            try context.require(.domainsManage)
            return JSONResponse(.ok, try await verification.verify(id: try context.parameters.require("id")))
        }
        return router
    }
}


/// `page` and `pageSize` query parameters.
enum Pagination {
    static let defaultPageSize = 20
    static let maxPageSize = 100
    /// Far beyond any real listing, and small enough that offsets cannot overflow.
    static let maxPage = 1_000_000

    /// Reads the parameters through `query`, which returns a parameter's value by name.
    static func parse(_ query: (String) -> String?) throws(APIError) -> (page: Int, pageSize: Int) {
        func number(_ key: String, default value: Int) throws(APIError) -> Int {
            guard let text = query(key) else { return value }
            guard let number = Int(text), number >= 1 else {
                throw APIError.badRequest("\(key) must be a whole number of at least 1")
            }
            return number
        }
        let page = try number("page", default: 1)
        let pageSize = try number("pageSize", default: defaultPageSize)
        guard pageSize <= maxPageSize else { throw APIError.badRequest("pageSize must be at most \(maxPageSize)") }
        guard page <= maxPage else { throw APIError.badRequest("page must be at most \(maxPage)") }
        return (page, pageSize)
    }
}
