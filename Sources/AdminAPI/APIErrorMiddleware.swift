import Hummingbird
import Logging
import NIOHTTP1

/// Maps every failure to the API's JSON error shape with a stable code: our `APIError`s as they are, the
/// router's own errors (no route, wrong method, body too large, undecodable JSON) to theirs, and anything
/// else to a 500 that reveals nothing.
struct APIErrorMiddleware: RouterMiddleware {
    typealias Context = APIRequestContext

    /// The API's routes, to tell "no such resource" (404) from "no such method on it" (405).
    let routes: [(method: HTTPRequest.Method, path: [Substring])]

    func handle(_ request: Request, context: Context,
                next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as APIError {
            return error.response
        } catch is DecodingError {
            return APIError.badRequest("the body must be a JSON object with the documented fields").response
        } catch let error as any HTTPResponseError {
            return translate(error, request: request).response
        } catch let error as HTTPParserError {
            // A body that breaks HTTP framing (a bad chunk size, a connection cut mid-body): the client's fault. The
            // connection cannot be reused after it.
            context.logger.debug("malformed request: \(error)")
            var badRequest = APIError.badRequest("the request is not valid HTTP/1.1: \(error)")
            badRequest.headers[.connection] = "close"
            return badRequest.response
        } catch is CancellationError where Task.isCancelled {
            // The server is stopping and the request outlived the graceful-shutdown limit: not a failure of ours.
            context.logger.notice("request cancelled: the server is stopping")
            return APIError.shuttingDown.response
        } catch {
            context.logger.error("request failed: \(error)")
            return APIError.internalError.response
        }
    }

    private func translate(_ error: any HTTPResponseError, request: Request) -> APIError {
        let detail = (error as? HTTPError)?.body
        switch error.status {
        case .notFound:
            let allowed = allowedMethods(for: request.uri.path)
            guard !allowed.isEmpty else { return .notFound("route \(request.uri.path)") }
            var methodError = APIError(.methodNotAllowed, code: "method_not_allowed",
                                       "\(request.method) is not allowed here; allowed: \(allowed.joined(separator: ", "))")
            methodError.headers[.allow] = allowed.joined(separator: ", ")
            return methodError
        case .contentTooLarge:
            return APIError(.contentTooLarge, code: "payload_too_large", "the request body is larger than 16 KiB")
        case .badRequest:
            return .badRequest(detail ?? "the request could not be read")
        default:
            return APIError(error.status, code: "http_\(error.status.code)", detail ?? error.status.reasonPhrase)
        }
    }

    /// The methods of the routes whose pattern matches `path` (`:name` segments match any one segment).
    private func allowedMethods(for path: String) -> [String] {
        let segments = path.split(separator: "/")
        return routes.filter { route in
            route.path.count == segments.count
                && zip(route.path, segments).allSatisfy { $0.hasPrefix(":") || $0 == $1 }
        }.map(\.method.rawValue)
    }
}
