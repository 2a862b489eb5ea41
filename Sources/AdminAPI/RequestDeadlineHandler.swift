import NIOCore
import NIOHTTPTypes

/// Closes a connection that does not deliver a whole request within a deadline: from when the connection opens,
/// and again from when its last response was sent while no request is being read or answered.
///
/// Hummingbird's idle timeout restarts with every part it reads, so a client that sends a header and then one body
/// byte a second stays open for ever; this deadline does not restart until the request is complete. A request
/// that is being answered (a verification takes seconds) is never cut off, nor are pipelined ones.
final class RequestDeadlineHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private let timeout: TimeAmount
    private var timer: Scheduled<Void>?
    /// Requests read and not yet answered.
    private var inFlight = 0
    /// True between a request's head and its end.
    private var reading = false

    init(timeout: TimeAmount) {
        self.timeout = timeout
    }

    private func arm(_ context: ChannelHandlerContext) {
        timer?.cancel()
        let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
        timer = context.eventLoop.scheduleTask(in: timeout) { bound.value.close(promise: nil) }
    }

    private func disarm() {
        timer?.cancel()
        timer = nil
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { arm(context) }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        disarm()
    }

    func channelActive(context: ChannelHandlerContext) {
        arm(context)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        disarm()
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head:
            inFlight += 1
            reading = true
            if timer == nil { arm(context) }
        case .body:
            break
        case .end:
            reading = false
            // Answered already (a 401 or 413 before the body was read): the deadline for the next request starts.
            if inFlight <= 0 { arm(context) } else { disarm() }
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) {
            inFlight -= 1
            if inFlight <= 0, !reading {
                inFlight = 0
                arm(context)
            }
        }
        context.write(data, promise: promise)
    }
}
