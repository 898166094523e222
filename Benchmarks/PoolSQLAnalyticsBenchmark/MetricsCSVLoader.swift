import Foundation
import PoolSQLCatalog
import PoolSQLCore

/// Reads the generated metrics-history CSV (header line, then
/// `pool_name,metric_timestamp,active_connections,connection_utilization,avg_operation_time,
/// error_rate,checkout_failures,connections_created,connections_destroyed`) into an in-memory
/// table. The generator writes no quotes and no NULLs, so a plain comma split is exact.
enum MetricsCSVLoader {
    static let columns: [ColumnDefinition] = [
        .init(name: "pool_name", type: .text, nullable: false),
        .init(name: "metric_timestamp", type: .timestamp, nullable: false),
        .init(name: "active_connections", type: .integer),
        .init(name: "connection_utilization", type: .doublePrecision),
        .init(name: "avg_operation_time", type: .doublePrecision),
        .init(name: "error_rate", type: .doublePrecision),
        .init(name: "checkout_failures", type: .integer),
        .init(name: "connections_created", type: .integer),
        .init(name: "connections_destroyed", type: .integer),
    ]

    static func load(path: String, rowLimit: Int?) throws(PoolSQLError) -> MemoryTable {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw PoolSQLError(.ioError, "could not read \(path): \(error.localizedDescription)")
        }
        var rows: [[Value]] = []
        rows.reserveCapacity(rowLimit ?? data.count / 80)
        // Each timestamp appears once per pool in a row; parsing it once per run of equal text
        // keeps loading fast without changing the values.
        var lastTimestampText = ""
        var lastTimestamp = Value.null
        var lineNumber = 0
        var failure: PoolSQLError?
        data.withUnsafeBytes { (buffer: UnsafeRawBufferPointer) in
            var start = 0
            let count = buffer.count
            while start < count {
                var end = start
                while end < count && buffer[end] != UInt8(ascii: "\n") { end += 1 }
                lineNumber += 1
                defer { start = end + 1 }
                if lineNumber == 1 || end == start { continue }
                if let limit = rowLimit, rows.count >= limit { return }
                let line = String(decoding: UnsafeRawBufferPointer(rebasing: buffer[start..<end]), as: UTF8.self)
                let fields = line.split(separator: ",", omittingEmptySubsequences: false)
                guard fields.count == columns.count else {
                    failure = PoolSQLError(.invalidTextRepresentation, "line \(lineNumber): expected \(columns.count) fields, found \(fields.count)")
                    return
                }
                do throws(PoolSQLError) {
                    let timestampText = String(fields[1])
                    if timestampText != lastTimestampText {
                        lastTimestamp = .timestamp(try Timestamp(parsing: timestampText))
                        lastTimestampText = timestampText
                    }
                    rows.append([
                        .text(String(fields[0])),
                        lastTimestamp,
                        try integer(fields[2], lineNumber),
                        try double(fields[3], lineNumber),
                        try double(fields[4], lineNumber),
                        try double(fields[5], lineNumber),
                        try integer(fields[6], lineNumber),
                        try integer(fields[7], lineNumber),
                        try integer(fields[8], lineNumber),
                    ])
                } catch {
                    failure = error
                    return
                }
            }
        }
        if let failure { throw failure }
        return MemoryTable(columns: columns, rows: rows)
    }

    private static func integer(_ field: Substring, _ line: Int) throws(PoolSQLError) -> Value {
        guard let n = Int64(field) else {
            throw PoolSQLError(.invalidTextRepresentation, "line \(line): invalid integer \"\(field)\"")
        }
        return .int(n)
    }

    private static func double(_ field: Substring, _ line: Int) throws(PoolSQLError) -> Value {
        guard let d = Double(field) else {
            throw PoolSQLError(.invalidTextRepresentation, "line \(line): invalid double precision \"\(field)\"")
        }
        return .double(d)
    }
}
