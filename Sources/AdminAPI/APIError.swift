import Foundation
import Hummingbird

/// An error the API answers with: an HTTP status, a stable machine-readable `code` and a message for people.
/// Every failure of the API is mapped to one of these in one place (`APIErrorMiddleware`).
public struct APIError: Error, Sendable, Equatable, CustomStringConvertible {
    public let status: HTTPResponse.Status
    public let code: String
    public let message: String
    /// Extra response headers, such as `Allow` for 405.
    public var headers: HTTPFields = [:]

    public init(_ status: HTTPResponse.Status, code: String, _ message: String) {
        self.status = status
        self.code = code
        self.message = message
    }

    public var description: String { "\(status.code) \(code): \(message)" }

    static func badRequest(_ message: String) -> APIError { APIError(.badRequest, code: "invalid_request", message) }
    static let missingKey = APIError(.unauthorized, code: "missing_api_key", "send your API key in the X-API-Key header")
    static let unknownKey = APIError(.unauthorized, code: "invalid_api_key", "the API key is unknown or revoked")
    static func forbidden(_ scope: String) -> APIError {
        APIError(.forbidden, code: "insufficient_scope", "this API key lacks the scope \(scope)")
    }
    static func notFound(_ what: String) -> APIError { APIError(.notFound, code: "not_found", "\(what) not found") }
    static let internalError = APIError(.internalServerError, code: "internal_error", "the server failed; nothing was changed")
    static let shuttingDown = APIError(.serviceUnavailable, code: "shutting_down",
                                       "the server is stopping; the request was not completed")
}

extension APIError {
    /// The response: `{"error": {"code": ..., "message": ...}}` with the error's status and headers.
    var response: Response {
        var response = JSONResponse(status, .object([
            ("error", .object([("code", .string(code)), ("message", .string(message))])),
        ]))
        response.headers = headers
        return response.response()
    }
}
