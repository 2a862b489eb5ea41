import DKIMKeys
import HTTPTypes
import Hummingbird
import Storage
import Platform

/// Authenticates every request by its `X-API-Key` header: the key's SHA-256 is looked up among the stored,
/// unrevoked keys. Keys are never stored in clear.
struct APIKeyMiddleware: RouterMiddleware {
    typealias Context = APIRequestContext

    let database: Database
    let offload: BlockingExecutor

    static let header = HTTPField.Name("X-API-Key")!

    func handle(_ request: Request, context: Context,
                next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let presented = request.headers[Self.header], !presented.isEmpty else { throw APIError.missingKey }
        let hash = SHA256.hex(presented)
        let database = self.database
        let now = SystemClock.wallMilliseconds()
        let found = try await offload.run { () -> APIKeyRow? in
            guard let key = try database.apiKey(hash: hash) else { return nil }
            // Record use, at most once a minute per key, so `keys list` can tell which keys are in use.
            if (key.lastUsedAt ?? 0) < now - 60_000 { try database.touchAPIKey(id: key.id, at: now) }
            return key
        }
        guard let key = found else { throw APIError.unknownKey }
        var context = context
        context.apiKey = key
        return try await next(request, context)
    }
}
