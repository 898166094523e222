#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// Reads a file or standard input one line at a time (each line with its line break), so a
/// pipe's statements can run as soon as they arrive instead of after end of input.
/// Invalid UTF-8 is replaced, never fatal.
public final class LineReader: Sequence, IteratorProtocol {
    private var file: UnsafeMutablePointer<FILE>?
    private let closesFile: Bool

    private init(file: UnsafeMutablePointer<FILE>, closesFile: Bool) {
        self.file = file
        self.closesFile = closesFile
    }

    deinit {
        if closesFile, let file { fclose(file) }
    }

    /// Standard input (descriptor 0).
    public static func standardInput() -> LineReader? {
        guard let file = fdopen(0, "r") else { return nil }
        return LineReader(file: file, closesFile: false)
    }

    /// Opens a file for reading; the message says why it cannot be read (as `strerror`).
    public static func open(path: String) -> Result<LineReader, LineReaderError> {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
            return .failure(LineReaderError(path: path, reason: "Is a directory"))
        }
        guard let file = fopen(path, "r") else {
            return .failure(LineReaderError(path: path, reason: String(cString: strerror(errno))))
        }
        return .success(LineReader(file: file, closesFile: true))
    }

    public func next() -> String? {
        guard let file else { return nil }
        var buffer: UnsafeMutablePointer<CChar>?
        var capacity = 0
        defer { free(buffer) }
        let length = getline(&buffer, &capacity, file)
        guard length > 0, let buffer else {
            if closesFile { fclose(file) }
            self.file = nil
            return nil
        }
        return buffer.withMemoryRebound(to: UInt8.self, capacity: length) { bytes in
            String(decoding: UnsafeBufferPointer(start: bytes, count: length), as: UTF8.self)
        }
    }
}

/// A script file that cannot be read.
public struct LineReaderError: Error, Sendable, Hashable, CustomStringConvertible {
    public var path: String
    public var reason: String

    public var description: String { "\(path): \(reason)" }
}
