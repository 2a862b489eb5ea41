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
        (.get, "/api/v1/domains/:id/dkim"),
        (.get, "/api/v1/domains/:id/zone"),
        (.post, "/api/v1/domains/:id/dkim/rotate"),
        (.get, "/api/v1/dkim/export"),
    ]

    /// Builds the router.
    static func router(service: DomainService, verification: VerificationService, rotation: DKIMRotationService,
                       writeLimiter: WriteRateLimiter) -> Router<APIRequestContext> {
        let router = Router(context: APIRequestContext.self)
        // Outermost, so it counts the status each client got (after errors became JSON): requests by route,
        // method and status, and their durations, through swift-metrics (`hb_requests_total`,
        // `http_server_request_duration_seconds` once the Prometheus factory is bootstrapped).
        router.add(middleware: MetricsMiddleware())
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
        api.get("domains/:id/zone") { _, context -> Response in
            try context.require(.domainsManage)
            let text = try await service.zoneFile(id: try context.parameters.require("id"))
            return Response(status: .ok, headers: [.contentType: "text/dns; charset=utf-8"],
                            body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
        }
        api.get("domains/:id/dkim") { _, context -> JSONResponse in
            try context.require(.dkimRead)
            let keys = try await service.dkim(id: try context.parameters.require("id"))
            // Every read of a private key is logged: which domain and selectors, by which API key. Never the key.
            context.logger.notice("DKIM private keys read", metadata: [
                "domain": "\(keys.id)", "name": "\(keys.name)", "selectors": "\(keys.selectors.map(\.selector))",
                "apiKey": "\(context.apiKey?.id ?? "")",
            ])
            return JSONResponse(.ok, keys.json)
        }
        api.post("domains/:id/dkim/rotate") { _, context -> JSONResponse in
            try context.require(.domainsManage)
            let id = try context.parameters.require("id")
            return JSONResponse(.accepted, .object([("id", .string(id)), ("dkimRotation", try await rotation.rotate(id: id))]))
        }
        api.get("dkim/export") { request, context -> JSONResponse in
            try context.require(.dkimRead)
            let query = request.uri.queryParameters
            let (format, directory) = try SignerExportRequest.parse { query[$0[...]].map(String.init) }
            let database = service.database
            let keys = try await service.offload.run { try DomainService.signingKeys(database: database) }
            context.logger.notice("DKIM private keys exported", metadata: [
                "format": "\(format.rawValue)", "keys": "\(keys.count)", "apiKey": "\(context.apiKey?.id ?? "")",
            ])
            let files = SignerExport.files(format, keys: keys, directory: directory)
            return JSONResponse(.ok, .object([
                ("format", .string(format.rawValue)), ("directory", .string(directory)),
                ("files", .array(files.map { file in
                    .object([("path", .string(file.path)), ("mode", .string("0" + String(file.mode, radix: 8))),
                             ("contents", .string(file.contents))])
                })),
            ]))
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

/// The `format` and `dir` query parameters of `GET /dkim/export`.
enum SignerExportRequest {
    /// Reads them through `query`: a known format, and an absolute folder of printable ASCII without white space
    /// or `..` (it is written into the signer's tables).
    static func parse(_ query: (String) -> String?) throws(APIError) -> (SignerExport.Format, String) {
        let formats = SignerExport.Format.allCases.map(\.rawValue).joined(separator: ", ")
        guard let text = query("format"), let format = SignerExport.Format(rawValue: text) else {
            throw APIError.badRequest("format must be one of \(formats)")
        }
        guard let directory = query("dir"), directory.hasPrefix("/"), directory.count <= 1024,
              directory.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7F }),
              !directory.split(separator: "/").contains("..") else {
            throw APIError.badRequest("dir must be the absolute folder the signer reads the files from (no spaces, no ..)")
        }
        return (format, directory)
    }
}
