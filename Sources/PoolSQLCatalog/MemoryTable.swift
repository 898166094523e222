import PoolSQLCore
import Synchronization

/// An in-memory table: test fixtures now, user tables later. It applies every pushable filter
/// exactly, honours projection and limit, and can be appended to from any thread.
///
/// Besides its rows it keeps every column as a `TypedColumn` (typed vector and null bitmap),
/// updated under the same lock, for operators that read columns instead of rows
/// (`columnarSnapshot()`).
public final class MemoryTable: TableProvider {
    public let schema: TableSchema
    private let storage: Mutex<Contents>

    /// The rows and the same values column by column.
    private struct Contents {
        var rows: [[Value]]
        var columns: [TypedColumn]
        /// False once a row of another width than the schema's was added (only `init(rows:)`
        /// takes rows unchecked): columns could not stand for such rows.
        var regular = true

        mutating func append(contentsOf added: [[Value]]) {
            if regular, added.contains(where: { $0.count != columns.count }) { regular = false }
            for c in columns.indices {
                for row in added { columns[c].append(c < row.count ? row[c] : .null) }
            }
            rows.append(contentsOf: added)
        }
    }

    public init(schema: TableSchema, rows: [[Value]] = []) {
        self.schema = schema
        var contents = Contents(rows: [], columns: schema.columns.map { TypedColumn(type: $0.type) })
        contents.append(contentsOf: rows)
        self.storage = Mutex(contents)
    }

    public convenience init(columns: [ColumnDefinition], rows: [[Value]] = []) {
        self.init(schema: TableSchema(columns: columns), rows: rows)
    }

    public var rows: [[Value]] { storage.withLock { $0.rows } }

    /// Every column as typed values, as of one moment (consistent with each other: all have the
    /// same `count`, that of `rows` at that moment); nil when some row does not have one value
    /// per column.
    public func columnarSnapshot() -> [TypedColumn]? { storage.withLock { $0.regular ? $0.columns : nil } }

    /// Appends a row, converting each value to its column's type (as an assignment:
    /// `'42'` into an INTEGER column is 42, too long text for VARCHAR(n) is 22001) and
    /// enforcing NOT NULL (23502).
    public func insert(_ row: [Value]) throws(PoolSQLError) {
        guard row.count == schema.columns.count else {
            throw PoolSQLError(.syntaxError, "INSERT has \(row.count) values for \(schema.columns.count) columns")
        }
        var converted: [Value] = []
        converted.reserveCapacity(row.count)
        for (value, column) in zip(row, schema.columns) {
            if value.isNull && !column.nullable {
                throw PoolSQLError(SQLState("23502"), "null value in column \"\(column.name)\" violates not-null constraint")
            }
            // Unlike an explicit cast, an assignment does not truncate text silently.
            if case let .varchar(length?) = column.type, case let .text(text) = value, text.count > length {
                throw PoolSQLError(.stringDataRightTruncation, "value too long for type character varying(\(length))")
            }
            converted.append(try value.cast(to: column.type))
        }
        storage.withLock { $0.append(contentsOf: [converted]) }
    }

    /// Appends every row or none: all are converted and checked (as `insert(_:)` does) before
    /// any is added, so a bad row leaves the table as it was.
    public func insert(contentsOf rows: [[Value]]) throws(PoolSQLError) {
        let staged = MemoryTable(schema: schema)
        for row in rows { try staged.insert(row) }
        let converted = staged.rows
        storage.withLock { $0.append(contentsOf: converted) }
    }

    public func supportsFilter(_ filter: ScanFilter) -> FilterPushdown {
        filter.column < schema.columns.count ? .exact : .unsupported
    }

    public func scan(_ request: ScanRequest) throws(PoolSQLError) -> [[Value]] {
        let all = rows
        var out: [[Value]] = []
        for row in all {
            if let limit = request.limit, out.count >= limit { break }
            guard request.filters.allSatisfy({ $0.column < row.count && $0.matches(row[$0.column]) }) else { continue }
            if let projection = request.projection {
                out.append(projection.map { $0 < row.count ? row[$0] : .null })
            } else {
                out.append(row)
            }
        }
        return out
    }
}
