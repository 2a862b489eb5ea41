import Hummingbird
import Storage

/// The request context of the API: Hummingbird's core context plus the API key the request authenticated with.
public struct APIRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The key the request carried, once `APIKeyMiddleware` has checked it.
    public var apiKey: APIKeyRow?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        apiKey = nil
    }

    /// Request bodies are tiny JSON objects: anything larger is refused with 413.
    public var maxUploadSize: Int { 16 * 1024 }

    /// Throws 403 unless the key has `scope`.
    func require(_ scope: Scope) throws(APIError) {
        guard let apiKey else { throw APIError.missingKey }
        guard Scope.parse(apiKey.scopes).contains(scope) else { throw APIError.forbidden(scope.rawValue) }
    }
}
