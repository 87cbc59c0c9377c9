import Foundation

/// Runs a ``LanguageServer`` over a pair of file descriptors (standard input and output for
/// `policyc lsp`): a reader thread frames messages as they arrive, the calling thread handles
/// them in order and writes the replies.
///
/// Diagnostics are debounced: they are published only once no message is waiting, so a burst
/// of keystrokes costs one compilation, and, with a quiet period, only after the editor has
/// sent nothing for that long.
public enum LSPConnection {
    /// Serves until `exit` or the end of input; returns the exit status (0 after `shutdown` then
    /// `exit`; 1 for `exit` without `shutdown`, for input that ends without `exit`, or for a
    /// stream that cannot be read as the protocol's framing).
    public static func run(input: Int32 = 0, output: Int32 = 1, quietPeriod: Duration = .zero, version: String,
                           log: @escaping @Sendable (String) -> Void) -> Int32 {
        // An editor that goes away closes the pipe: writing then fails with EPIPE, which ends the
        // loop below, instead of the signal killing the process without its exit status.
        signal(SIGPIPE, SIG_IGN)
        let inbox = Inbox()
        let reader = Thread {
            var framing = LSPMessageReader()
            var chunk = [UInt8](repeating: 0, count: 1 << 16)
            while true {
                let count = chunk.withUnsafeMutableBytes { read(input, $0.baseAddress, $0.count) }
                if count < 0, errno == EINTR { continue }
                guard count > 0 else {
                    inbox.close(reason: count == 0 ? nil : "cannot read input: \(String(cString: strerror(errno)))")
                    return
                }
                framing.append(chunk[..<count])
                do throws(LSPMessageReader.Failure) {
                    while let message = try framing.next() { inbox.put(message) }
                } catch {
                    inbox.close(reason: error.message)
                    return
                }
            }
        }
        reader.start()
        var server = LanguageServer(version: version)
        let quietSeconds = Double(quietPeriod.components.seconds) + Double(quietPeriod.components.attoseconds) / 1e18
        while true {
            let waited = inbox.take(timeout: server.diagnosticsDue ? quietSeconds : nil)
            switch waited {
            case .message(let body):
                for reply in server.handle(body) { write(reply, to: output) }
                if case .exited(let status) = server.state { return status }
            case .idle:
                for notification in server.publishDiagnostics() { write(notification, to: output) }
            case .closed(let reason):
                if let reason { log("policyc lsp: \(reason)") }
                return 1
            }
        }
    }

    /// Writes one framed message, all of it.
    private static func write(_ body: [UInt8], to descriptor: Int32) {
        let frame = LSPMessageReader.frame(body)
        var written = 0
        while written < frame.count {
            let count = frame.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress! + written, frame.count - written) }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { return }  // the editor has gone; input's end will follow
            written += count
        }
    }

    /// Messages framed by the reader thread, waiting to be handled.
    private final class Inbox: @unchecked Sendable {
        /// What waiting gave.
        enum Taken {
            /// A message body.
            case message([UInt8])
            /// Nothing arrived within the timeout.
            case idle
            /// Input ended (with the reason when it was an error).
            case closed(String?)
        }

        private let condition = NSCondition()  // guards everything below
        private var queue: [[UInt8]] = []
        private var head = 0
        private var closed = false
        private var reason: String?

        func put(_ message: [UInt8]) {
            condition.lock()
            queue.append(message)
            condition.signal()
            condition.unlock()
        }

        func close(reason: String?) {
            condition.lock()
            closed = true
            self.reason = reason
            condition.signal()
            condition.unlock()
        }

        /// The next message; `.idle` when `timeout` seconds pass without one (a nil timeout waits
        /// for ever); `.closed` once input has ended and every message has been taken.
        func take(timeout: Double?) -> Taken {
            condition.lock()
            defer { condition.unlock() }
            let deadline = timeout.map { Date(timeIntervalSinceNow: $0) }
            while head == queue.count, !closed {
                if let deadline {
                    if !condition.wait(until: deadline) { return head == queue.count ? .idle : take() }
                } else {
                    condition.wait()
                }
            }
            return head < queue.count ? take() : .closed(reason)
        }

        /// The head of the queue (the lock held).
        private func take() -> Taken {
            let message = queue[head]
            head += 1
            if head > 1_024 {
                queue.removeFirst(head)
                head = 0
            }
            return .message(message)
        }
    }
}
