#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import PoolSQLCore

/// Views in `views.json` of the engine's data directory:
/// `{"version":1,"views":[{"name":…,"columns":[…],"sql":…}]}`. Each save writes a temporary
/// file, flushes it to disk and renames it over the old one, so a crash leaves either the old
/// or the new list, never half a file. The directory is created on the first save.
public struct JSONFileViewStore: ViewStore {
    public static let fileName = "views.json"
    static let currentVersion = 1

    public let directory: String
    public var path: String { (directory as NSString).appendingPathComponent(Self.fileName) }

    public init(directory: String) {
        self.directory = directory
    }

    private struct Document: Codable {
        var version: Int
        var views: [StoredView]
    }

    private struct VersionOnly: Decodable {
        var version: Int
    }

    public func loadViews() throws(PoolSQLError) -> [StoredView] {
        guard FileManager.default.fileExists(atPath: path) else { return [] }
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw PoolSQLError(.ioError, "could not read view file \"\(path)\": \(error.localizedDescription)")
        }
        let decoder = JSONDecoder()
        let version: Int
        do {
            version = try decoder.decode(VersionOnly.self, from: data).version
        } catch {
            throw corrupt("it is not a view file (\(Self.describe(error)))")
        }
        guard version == Self.currentVersion else {
            throw corrupt("unsupported version \(version) (this poolsql reads version \(Self.currentVersion))")
        }
        do {
            return try decoder.decode(Document.self, from: data).views
        } catch {
            throw corrupt(Self.describe(error))
        }
    }

    public func saveViews(_ views: [StoredView]) throws(PoolSQLError) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let data: Data
        do {
            data = try encoder.encode(Document(version: Self.currentVersion, views: views))
        } catch {
            throw PoolSQLError(.internalError, "could not encode views: \(error)")
        }
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw PoolSQLError(.ioError, "could not create data directory \"\(directory)\": \(error.localizedDescription)")
        }
        // Unique per write: two engines on one directory never share a temporary file.
        let temporary = path + ".tmp-\(getpid())-\(UUID().uuidString)"
        try Self.writeSynced(data, to: temporary)
        guard rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw PoolSQLError(.ioError, "could not rename \"\(temporary)\" to \"\(path)\": \(reason)")
        }
        // The rename itself is only durable once the directory entry is flushed.
        let directoryDescriptor = open(directory, O_RDONLY)
        if directoryDescriptor >= 0 {
            _ = fsync(directoryDescriptor)
            close(directoryDescriptor)
        }
    }

    private static func writeSynced(_ data: Data, to path: String) throws(PoolSQLError) {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard descriptor >= 0 else {
            throw PoolSQLError(.ioError, "could not open file \"\(path)\" for writing: \(String(cString: strerror(errno)))")
        }
        defer { close(descriptor) }
        var failure: String?
        data.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count, let base = buffer.baseAddress {
                let written = write(descriptor, base + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    failure = String(cString: strerror(errno))
                    return
                }
                offset += written
            }
        }
        if failure == nil, fsync(descriptor) != 0 { failure = String(cString: strerror(errno)) }
        if let failure {
            unlink(path)
            throw PoolSQLError(.ioError, "could not write file \"\(path)\": \(failure)")
        }
    }

    private func corrupt(_ reason: String) -> PoolSQLError {
        PoolSQLError(.dataCorrupted, "view file \"\(path)\" is corrupt: \(reason)",
                     hint: "Repair the file, or move it away to start without the stored views.")
    }

    private static func describe(_ error: any Error) -> String {
        switch error {
        case let DecodingError.dataCorrupted(context): return context.debugDescription
        case let DecodingError.keyNotFound(key, context):
            return "missing \"\(key.stringValue)\"" + Self.at(context)
        case let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context):
            return context.debugDescription + Self.at(context)
        default: return "\(error)"
        }
    }

    private static func at(_ context: DecodingError.Context) -> String {
        let path = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
        return path.isEmpty ? "" : " at \(path)"
    }
}
