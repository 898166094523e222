import CSQLite
import PoolSQLCore

/// SQLite copies bound text before `bind` returns (SQLITE_TRANSIENT), so Swift strings need
/// not outlive the call.
private let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

/// One prepared statement: positional binds (1-based), `step`, and typed column reads
/// (0-based) straight from SQLite's row buffer, so reading a million rows builds no per-row
/// dictionaries.
final class SQLiteStatement {
    private let raw: OpaquePointer
    /// For error messages.
    private let path: String
    private var nextIndex: Int32 = 1

    init(_ raw: OpaquePointer, connection: SQLiteConnection) {
        self.raw = raw
        self.path = connection.path
    }

    deinit { sqlite3_finalize(raw) }

    /// Ready for a new execution: no row pending, every parameter unbound.
    func reset() {
        sqlite3_reset(raw)
        sqlite3_clear_bindings(raw)
        nextIndex = 1
    }

    // MARK: Binding (in parameter order)

    func bind(_ value: Int64) {
        sqlite3_bind_int64(raw, nextIndex, value)
        nextIndex += 1
    }

    func bind(_ value: Int) { bind(Int64(value)) }

    /// NaN is stored as NULL (SQLite has no NaN), and NULL is read back as NaN.
    func bind(_ value: Double) {
        if value.isNaN { sqlite3_bind_null(raw, nextIndex) } else { sqlite3_bind_double(raw, nextIndex, value) }
        nextIndex += 1
    }

    func bind(_ value: String) {
        sqlite3_bind_text(raw, nextIndex, value, -1, transient)
        nextIndex += 1
    }

    func bind(_ value: String?) {
        if let value { bind(value) } else { bindNull() }
    }

    func bind(_ value: Double?) {
        if let value { bind(value) } else { bindNull() }
    }

    func bind(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { buffer in
            // A zero-length blob still needs a non-NULL pointer to be a blob and not NULL.
            _ = sqlite3_bind_blob(raw, nextIndex, buffer.baseAddress ?? UnsafeRawPointer(bitPattern: 1), Int32(buffer.count), transient)
        }
        nextIndex += 1
    }

    func bindNull() {
        sqlite3_bind_null(raw, nextIndex)
        nextIndex += 1
    }

    // MARK: Execution

    /// Advances to the next row: `true` when a row is available, `false` when done.
    func step() throws(PoolSQLError) -> Bool {
        let rc = sqlite3_step(raw)
        switch rc {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        default:
            let db = sqlite3_db_handle(raw)
            let message = db.map { String(cString: sqlite3_errmsg($0)) }
            let sql = sqlite3_sql(raw).map { String(cString: $0) } ?? ""
            sqlite3_reset(raw)
            throw SQLiteConnection.error(rc, message: message, path: path, doing: String(sql.prefix(60)))
        }
    }

    /// Runs a statement that returns no rows.
    func run() throws(PoolSQLError) {
        while try step() {}
    }

    // MARK: Columns (0-based)

    func isNull(_ column: Int32) -> Bool { sqlite3_column_type(raw, column) == SQLITE_NULL }

    func int64(_ column: Int32) -> Int64 { sqlite3_column_int64(raw, column) }

    func int(_ column: Int32) -> Int { Int(sqlite3_column_int64(raw, column)) }

    func double(_ column: Int32) -> Double {
        isNull(column) ? .nan : sqlite3_column_double(raw, column)
    }

    func text(_ column: Int32) -> String {
        guard let bytes = sqlite3_column_text(raw, column) else { return "" }
        let count = Int(sqlite3_column_bytes(raw, column))
        return String(decoding: UnsafeBufferPointer(start: bytes, count: count), as: UTF8.self)
    }

    /// The bytes of a BLOB column, valid only inside `body` (they live in SQLite's row buffer).
    func withBlob<T>(_ column: Int32, _ body: (UnsafeRawBufferPointer) throws(PoolSQLError) -> T) throws(PoolSQLError) -> T {
        let count = Int(sqlite3_column_bytes(raw, column))
        let base = sqlite3_column_blob(raw, column)
        return try body(UnsafeRawBufferPointer(start: base, count: base == nil ? 0 : count))
    }

    /// A TEXT column through `strings`: the same String for the same bytes within one scan.
    func text(_ column: Int32, interning strings: inout SQLiteTextInterner) -> String {
        guard let bytes = sqlite3_column_text(raw, column) else { return "" }
        let count = Int(sqlite3_column_bytes(raw, column))
        return strings.string(UnsafeBufferPointer(start: bytes, count: count))
    }

    /// The UTF-8 bytes of a TEXT column, valid until the next step or reset; nil for NULL.
    func textBytes(_ column: Int32) -> UnsafeBufferPointer<UInt8>? {
        guard let bytes = sqlite3_column_text(raw, column) else { return nil }
        return UnsafeBufferPointer(start: bytes, count: Int(sqlite3_column_bytes(raw, column)))
    }

    func optionalText(_ column: Int32) -> String? {
        isNull(column) ? nil : text(column)
    }
}
