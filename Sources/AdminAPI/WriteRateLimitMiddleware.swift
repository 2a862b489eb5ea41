import Foundation
import HTTPTypes
import Hummingbird
import Platform

/// Refuses a changing request (POST, PUT, PATCH, DELETE) with 429 `rate_limited` and `Retry-After` when its API
/// key has used up its `WriteRateLimiter` bucket. Runs after the key is authenticated.
struct WriteRateLimitMiddleware: RouterMiddleware {
    typealias Context = APIRequestContext

    let limiter: WriteRateLimiter

    func handle(_ request: Request, context: Context,
                next: (Request, Context) async throws -> Response) async throws -> Response {
        guard [.post, .put, .patch, .delete].contains(request.method), let key = context.apiKey else {
            return try await next(request, context)
        }
        let now = Double(SystemClock.monotonicMilliseconds()) / 1000
        if let wait = limiter.take(key: key.id, now: now) {
            let rate = limiter.rate == limiter.rate.rounded() ? String(Int(limiter.rate)) : String(limiter.rate)
            var error = APIError(.tooManyRequests, code: "rate_limited",
                                 "this API key is over its limit of \(rate) changes a second (bursts of "
                                     + "\(Int(limiter.burst))); retry in \(wait) s")
            error.headers[.retryAfter] = String(wait)
            throw error
        }
        return try await next(request, context)
    }
}
