import CSQLite
import Foundation
import PoolSQLCore
import Synchronization

/// The embedded store (default): the metrics history, its hourly and daily rollups, metadata
/// (views, persisted settings) and load-test results in one SQLite file in WAL mode.
///
/// Two connections, each serialized by its own `Mutex`: one writes (append, maintain, metadata,
/// load tests), one reads (samples, rollups, statistics). SQLite writes one transaction at a
/// time anyway, but in WAL mode a reader works on a snapshot without blocking the writer, and
/// that matters here: reading a million samples takes seconds (docs/store-benchmark.md), and
/// with one connection the sampler's appends would wait behind it. Other processes may open
/// the same file too (writers wait up to `busyTimeoutMilliseconds` for the write lock).
public final class SQLiteStore: MetricsStore, MetadataStore, LoadTestResultStore {
    struct State {
        /// `nil` once closed.
        var connection: SQLiteConnection?
        /// Cache of `store_state.rolled_up_through` (start of the newest rolled-up hour, µs),
        /// so `append` knows without a query which hours it makes dirty. Written only after
        /// the transaction that stores it commits.
        var rolledUpThrough: Int64?
    }

    /// The database file.
    public let path: String
    let state: Mutex<State>
    /// The read connection (`query_only`); `nil` once closed.
    let reader: Mutex<SQLiteConnection?>
    /// Columns of the history kept between analytic queries (`SQLiteStore+Columns.swift`).
    /// A query takes it out under `reader` and puts it back when done.
    let columnCache = Mutex<SQLiteSampleColumnCache?>(nil)

    /// How long a write waits for another process's write lock before failing with 55006.
    public static let busyTimeoutMilliseconds: Int32 = 5000
    /// The WAL is truncated back to this size after checkpoints, so it does not keep the
    /// high-water mark of a burst of writes.
    static let journalSizeLimitBytes = 4 * 1024 * 1024

    /// Opens the store at `path`, creating the file (and its directory) when missing and
    /// migrating its schema to the current version.
    ///
    /// Errors: a file that is not a SQLite database or is damaged → XX001; a file that cannot
    /// be created or read → 58030; a file from a newer PoolSQL → 55000. Each names the path.
    public init(path: String) throws(PoolSQLError) {
        self.path = path
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty, !FileManager.default.fileExists(atPath: directory) {
            do {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            } catch {
                throw PoolSQLError(.ioError, "metrics store \(path): cannot create directory \(directory): \(error.localizedDescription)")
            }
        }
        let connection = try SQLiteConnection(path: path)
        try connection.exec("PRAGMA busy_timeout = \(Self.busyTimeoutMilliseconds)")
        // The first read of the header: a garbage file fails here with SQLITE_NOTADB.
        let version = try connection.scalarInt("PRAGMA user_version") ?? 0
        if version == 0, try connection.scalarInt("SELECT count(*) FROM sqlite_schema") == 0 {
            // Only possible before the first table exists, and before switching to WAL: lets
            // maintain give freed pages back to the file system (PRAGMA incremental_vacuum),
            // so the file really shrinks when old data is deleted.
            try connection.exec("PRAGMA auto_vacuum = INCREMENTAL")
        }
        let mode = try Self.pragmaText(connection, "PRAGMA journal_mode = WAL")
        guard mode.lowercased() == "wal" else {
            throw PoolSQLError(.ioError, "metrics store \(path): cannot switch to WAL mode (journal_mode is \(mode))",
                               hint: "the file system may not support the shared memory WAL needs")
        }
        // synchronous=NORMAL in WAL mode: a commit is appended to the WAL with write(2) but
        // fsync'd only at checkpoints. A process crash (kill -9) loses nothing — the kernel
        // still holds every committed write and the next open replays the WAL — and the
        // file is never left inconsistent. Only an OS crash or power loss can drop the last
        // commits before a checkpoint; that is the sampler's trade for not paying an fsync
        // per tick (FULL would make every append wait for the disk).
        try connection.exec("""
            PRAGMA synchronous = NORMAL;
            PRAGMA foreign_keys = ON;
            PRAGMA journal_size_limit = \(Self.journalSizeLimitBytes);
            """)
        try SQLiteStoreMigrations.migrate(connection)
        let through = try Self.readRolledUpThrough(connection)
        let readConnection = try SQLiteConnection(path: path)
        try readConnection.exec("PRAGMA busy_timeout = \(Self.busyTimeoutMilliseconds); PRAGMA query_only = ON")
        state = Mutex(State(connection: connection, rolledUpThrough: through))
        reader = Mutex(readConnection)
    }

    public var kind: String { "sqlite" }
    public var location: String { path }

    /// The schema version of the open file (`PRAGMA user_version`).
    public func schemaVersion() throws(PoolSQLError) -> Int64 {
        try withConnection { (connection, _) throws(PoolSQLError) in
            try connection.scalarInt("PRAGMA user_version") ?? 0
        }
    }

    /// `PRAGMA integrity_check` on the file: `["ok"]` when it is sound, else SQLite's list of
    /// problems (malformed records, missing index entries, NOT NULL violations, …). Reads the
    /// whole file: meant for tests and operators after a crash, not for a hot path.
    public func integrityCheck() throws(PoolSQLError) -> [String] {
        try withReader { (connection) throws(PoolSQLError) -> [String] in
            let statement = try connection.prepare("PRAGMA integrity_check", cached: false)
            var lines: [String] = []
            while try statement.step() { lines.append(statement.text(0)) }
            return lines
        }
    }

    /// The version of the linked libsqlite3.
    public static var sqliteVersion: String { String(cString: sqlite3_libversion()) }

    /// The schema version this build creates and understands.
    public static var currentSchemaVersion: Int64 { SQLiteStoreMigrations.currentVersion }

    /// Flushes and releases the file (the WAL is checkpointed into it and removed); later
    /// calls fail with 55000.
    public func close() {
        reader.withLock { connection in
            // Under the reader lock: no query can put a cache back after this.
            dropColumnCache()
            connection?.close()
            connection = nil
        }
        state.withLock { s in
            s.connection?.close()
            s.connection = nil
        }
    }

    /// Runs `body` with the read connection under its lock; 55000 when the store is closed.
    func withReader<T: Sendable>(_ body: (SQLiteConnection) throws(PoolSQLError) -> T) throws(PoolSQLError) -> T {
        try reader.withLock { (connection: inout SQLiteConnection?) throws(PoolSQLError) -> T in
            guard let connection, connection.isOpen else {
                throw PoolSQLError(.objectNotInPrerequisiteState, "the metrics store \(path) is closed")
            }
            return try body(connection)
        }
    }

    /// Runs `body` with the connection under the lock; 55000 when the store is closed.
    func withConnection<T: Sendable>(_ body: (SQLiteConnection, inout State) throws(PoolSQLError) -> T) throws(PoolSQLError) -> T {
        try state.withLock { (s: inout State) throws(PoolSQLError) -> T in
            guard let connection = s.connection, connection.isOpen else {
                throw PoolSQLError(.objectNotInPrerequisiteState, "the metrics store \(path) is closed")
            }
            return try body(connection, &s)
        }
    }

    static func pragmaText(_ connection: SQLiteConnection, _ sql: String) throws(PoolSQLError) -> String {
        let statement = try connection.prepare(sql, cached: false)
        guard try statement.step() else { return "" }
        return statement.text(0)
    }

    static func readRolledUpThrough(_ connection: SQLiteConnection) throws(PoolSQLError) -> Int64? {
        let statement = try connection.prepare("SELECT value FROM store_state WHERE name = 'rolled_up_through'")
        defer { statement.reset() }
        return try statement.step() ? statement.int64(0) : nil
    }
}
