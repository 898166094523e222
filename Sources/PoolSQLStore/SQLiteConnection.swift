import CSQLite
import PoolSQLCore

/// One open libsqlite3 database handle: open, exec, prepare (with a statement cache),
/// transactions, and SQLite result codes turned into `PoolSQLError`s that name the file.
///
/// Not thread-safe by itself: `SQLiteStore` keeps its connection behind a `Mutex`, so exactly
/// one thread uses a connection at a time (the handle is opened with SQLITE_OPEN_NOMUTEX).
final class SQLiteConnection {
    let path: String
    private var handle: OpaquePointer?
    /// Prepared statements by SQL text; the hot paths (append, metadata) reuse theirs.
    private var cache: [String: SQLiteStatement] = [:]
    /// Queries build their SQL from the filter shape (IN-list lengths vary), so the cache is
    /// bounded: past this many entries it starts over.
    private static let cacheLimit = 128

    init(path: String) throws(PoolSQLError) {
        self.path = path
        var db: OpaquePointer?
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX
        let rc = sqlite3_open_v2(path, &db, flags, nil)
        handle = db
        if rc != SQLITE_OK {
            let error = SQLiteConnection.error(rc, message: db.map { String(cString: sqlite3_errmsg($0)) }, path: path, doing: "cannot open")
            sqlite3_close_v2(db)
            handle = nil
            throw error
        }
        // Extended codes tell an I/O error from corruption more precisely.
        sqlite3_extended_result_codes(db, 1)
    }

    deinit { close() }

    /// Finalizes every cached statement and closes the handle (the last connection to close
    /// checkpoints the WAL into the main file and removes it).
    func close() {
        cache.removeAll()
        if let handle {
            sqlite3_close_v2(handle)
            self.handle = nil
        }
    }

    var isOpen: Bool { handle != nil }

    /// Runs one or more statements without results (DDL, PRAGMAs that set, BEGIN/COMMIT).
    func exec(_ sql: String) throws(PoolSQLError) {
        let db = try openHandle()
        var message: UnsafeMutablePointer<CChar>?
        let rc = sqlite3_exec(db, sql, nil, nil, &message)
        if rc != SQLITE_OK {
            let text = message.map { String(cString: $0) }
            sqlite3_free(message)
            throw error(rc, message: text, doing: "\(sql.prefix(60))")
        }
    }

    /// A prepared statement for `sql`, reset and with its bindings cleared; cached when `cached`.
    func prepare(_ sql: String, cached: Bool = true) throws(PoolSQLError) -> SQLiteStatement {
        if cached, let statement = cache[sql] {
            statement.reset()
            return statement
        }
        let db = try openHandle()
        var raw: OpaquePointer?
        let rc = sqlite3_prepare_v3(db, sql, -1, cached ? UInt32(SQLITE_PREPARE_PERSISTENT) : 0, &raw, nil)
        guard rc == SQLITE_OK, let raw else {
            sqlite3_finalize(raw)
            throw error(rc, doing: "preparing \(sql.prefix(60))")
        }
        let statement = SQLiteStatement(raw, connection: self)
        if cached {
            if cache.count >= Self.cacheLimit { cache.removeAll() }
            cache[sql] = statement
        }
        return statement
    }

    /// The single integer a statement like `PRAGMA page_count` returns.
    func scalarInt(_ sql: String) throws(PoolSQLError) -> Int64? {
        let statement = try prepare(sql)
        defer { statement.reset() }
        guard try statement.step() else { return nil }
        return statement.isNull(0) ? nil : statement.int64(0)
    }

    /// Runs `body` in one transaction: committed when it returns, rolled back when it throws.
    /// `BEGIN IMMEDIATE` takes the write lock up front, so a concurrent writer (another
    /// process on the same file) waits on busy_timeout at the start, never mid-transaction.
    func transaction<T>(_ body: () throws(PoolSQLError) -> T) throws(PoolSQLError) -> T {
        try run(begin: "BEGIN IMMEDIATE", body)
    }

    /// Runs `body` in one read transaction (`BEGIN` deferred): every statement in it sees the
    /// same snapshot of the file, whatever other connections commit meanwhile.
    func readTransaction<T>(_ body: () throws(PoolSQLError) -> T) throws(PoolSQLError) -> T {
        try run(begin: "BEGIN", body)
    }

    /// `body` between `begin` and COMMIT; rolled back when either throws.
    private func run<T>(begin: String, _ body: () throws(PoolSQLError) -> T) throws(PoolSQLError) -> T {
        try exec(begin)
        let result: T
        do {
            result = try body()
        } catch {
            rollback()
            throw error
        }
        do {
            try exec("COMMIT")
        } catch {
            rollback()
            throw error
        }
        return result
    }

    private func rollback() {
        guard let handle, sqlite3_get_autocommit(handle) == 0 else { return }
        sqlite3_exec(handle, "ROLLBACK", nil, nil, nil)
    }

    /// Rows changed by the last INSERT/UPDATE/DELETE.
    var changes: Int { handle.map { Int(sqlite3_changes64($0)) } ?? 0 }

    private func openHandle() throws(PoolSQLError) -> OpaquePointer {
        guard let handle else {
            throw PoolSQLError(.objectNotInPrerequisiteState, "the metrics store \(path) is closed")
        }
        return handle
    }

    /// The error for result code `rc` on this connection, with SQLite's own message.
    func error(_ rc: Int32, message: String? = nil, doing what: String) -> PoolSQLError {
        let text = message ?? handle.map { String(cString: sqlite3_errmsg($0)) }
        return Self.error(rc, message: text, path: path, doing: what)
    }

    /// Maps SQLite result codes onto SQLSTATEs: unreadable or corrupt files are XX001 (data
    /// corrupted), I/O and permission problems 58030, a file locked by another process 55006,
    /// constraint failures class 23.
    static func error(_ rc: Int32, message: String?, path: String, doing what: String) -> PoolSQLError {
        let primary = rc & 0xff
        let reason = message ?? String(cString: sqlite3_errstr(rc))
        let text = "metrics store \(path): \(reason) (\(what); SQLite error \(rc))"
        switch primary {
        case SQLITE_CORRUPT, SQLITE_NOTADB:
            return PoolSQLError(.dataCorrupted, text,
                                hint: "the file is not a PoolSQL store or is damaged; move it aside to start a new one")
        case SQLITE_IOERR, SQLITE_CANTOPEN, SQLITE_FULL, SQLITE_READONLY, SQLITE_PERM, SQLITE_PROTOCOL:
            return PoolSQLError(.ioError, text)
        case SQLITE_BUSY, SQLITE_LOCKED:
            return PoolSQLError(.objectInUse, text, hint: "another process holds the store's write lock")
        case SQLITE_CONSTRAINT:
            // Extended codes (SQLITE_CONSTRAINT | n << 8; the macros do not import into Swift).
            let notNull = SQLITE_CONSTRAINT | (5 << 8), primaryKey = SQLITE_CONSTRAINT | (6 << 8), unique = SQLITE_CONSTRAINT | (8 << 8)
            return PoolSQLError(rc == notNull ? .notNullViolation : rc == unique || rc == primaryKey ? .uniqueViolation
                                : SQLState("23000"), text)
        default:
            return PoolSQLError(.internalError, text)
        }
    }
}
