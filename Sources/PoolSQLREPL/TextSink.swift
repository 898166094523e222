#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// Where the REPL and the script runner write text: standard output and standard error in the
/// program, a string buffer in tests.
public protocol TextSink: AnyObject, Sendable {
    func write(_ text: String)
    /// Makes everything written so far visible to the reader (a pipe, a terminal).
    func flush()
}

/// Writes to a file descriptor (1 or 2), buffering until `flush()` or until the buffer is large.
public final class FileDescriptorSink: TextSink {
    private let descriptor: Int32
    private let pending = Mutex<[UInt8]>([])

    public init(descriptor: Int32) {
        self.descriptor = descriptor
    }

    public static let standardOutput = FileDescriptorSink(descriptor: 1)
    public static let standardError = FileDescriptorSink(descriptor: 2)

    public func write(_ text: String) {
        let shouldFlush = pending.withLock { buffer in
            buffer.append(contentsOf: text.utf8)
            return buffer.count >= 64 * 1024
        }
        if shouldFlush { flush() }
    }

    public func flush() {
        let bytes = pending.withLock { buffer in
            let taken = buffer
            buffer.removeAll(keepingCapacity: true)
            return taken
        }
        guard !bytes.isEmpty else { return }
        bytes.withUnsafeBytes { raw in
            guard let base = raw.baseAddress else { return }
            var offset = 0
            while offset < raw.count {
                let written = systemWrite(descriptor, base + offset, raw.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    // The reader went away (EPIPE) or the descriptor is bad: nothing more to do.
                    return
                }
                offset += written
            }
        }
    }
}

/// Collects everything written, for tests and for capturing output.
public final class StringSink: TextSink {
    private let storage = Mutex<String>("")

    public init() {}

    public func write(_ text: String) {
        storage.withLock { $0 += text }
    }

    public func flush() {}

    /// Everything written so far.
    public var text: String { storage.withLock { $0 } }
}

/// `write(2)`; a free function so it does not clash with `TextSink.write(_:)`.
private func systemWrite(_ descriptor: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int {
    write(descriptor, bytes, count)
}
