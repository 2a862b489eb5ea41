import TSIG

/// TSIG (RFC 8945) for NOTIFY: each send is signed with the configured key, and the answer to it counts only
/// when it verifies (section 5.3.2: an answer that does not is discarded, and the NOTIFY goes on being retried).
struct NotifySigning: Sendable {
    let signer: TSIGRequestSigner
    /// The time TSIG records carry, in seconds since 1970.
    let clock: @Sendable () -> UInt64

    /// Appends a TSIG record to the finished NOTIFY `message` and returns what verifies the answer to it.
    func sign(_ message: inout [UInt8]) -> TSIGAnswerVerifier {
        signer.sign(&message, now: clock())
    }

    /// Nil when `answer` verifies against one of the sends' `verifiers` (a late answer to an earlier send counts
    /// too), else why the most recent send's verifier refuses it.
    func check(_ answer: [UInt8], against verifiers: [TSIGAnswerVerifier]) -> TSIGAnswerError? {
        var latestError: TSIGAnswerError? = nil
        for var verifier in verifiers.reversed() {
            do {
                try verifier.verify(answer, now: clock())
                return nil
            } catch {
                latestError = latestError ?? error
            }
        }
        return latestError ?? .unsigned
    }
}
