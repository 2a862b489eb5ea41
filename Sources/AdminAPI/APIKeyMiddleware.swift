import DKIMKeys
import HTTPTypes
import Hummingbird
import Storage

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
        guard let key = try await offload.run({ try database.apiKey(hash: hash) }) else { throw APIError.unknownKey }
        var context = context
        context.apiKey = key
        return try await next(request, context)
    }
}
