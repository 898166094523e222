import PoolSQL
import Synchronization

/// Draws a running load test's progress as one line that rewrites itself (`\r`, erase to the
/// end of the line) on a terminal, and erases it when the test has finished, so the result
/// table starts on a clean line. Only the REPL uses it, and only when standard output is a
/// terminal: scripts and pipes get no progress.
public final class LoadTestProgressLine: Sendable {
    private let output: any TextSink
    private let columns: @Sendable () -> Int?
    private let visible = Mutex(false)

    /// - Parameter columns: the terminal's width (the line is cut to it, so it never wraps).
    public init(output: any TextSink, columns: @escaping @Sendable () -> Int?) {
        self.output = output
        self.columns = columns
    }

    /// Draws `progress`, or erases the line when the test has finished.
    public func show(_ progress: LoadTestProgress) {
        visible.withLock { visible in
            if progress.isFinished {
                guard visible else { return }
                output.write("\r\u{1B}[K")
                visible = false
            } else {
                var line = progress.line
                if let width = columns(), width > 1, line.count >= width { line = String(line.prefix(width - 1)) }
                output.write("\r\u{1B}[K" + line)
                visible = true
            }
            output.flush()
        }
    }

    /// The handler to give the session.
    public var handler: @Sendable (LoadTestProgress) -> Void {
        { [self] progress in show(progress) }
    }
}
