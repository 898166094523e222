import PoolSQLCore

/// The embedded store's schema, as an ordered list of migrations. A file records the number of
/// migrations applied in `PRAGMA user_version`; opening it applies the missing ones in one
/// transaction, and a file written by a newer PoolSQL (a higher version) is refused rather than
/// misread.
enum SQLiteStoreMigrations {
    /// Migration `i` (0-based) takes a file from version `i` to `i + 1`. Append only: never edit
    /// a migration that has shipped.
    static let all: [String] = [
        // 1: the history, its rollups and bookkeeping, metadata, load-test results.
        """
        CREATE TABLE connection_pool_metrics (
            metric_timestamp INTEGER NOT NULL,      -- µs since 1970-01-01 UTC
            pool_name TEXT NOT NULL,
            environment TEXT,
            instance_id TEXT NOT NULL,
            total_connections INTEGER NOT NULL,
            active_connections INTEGER NOT NULL,
            available_connections INTEGER NOT NULL,
            pending_connections INTEGER NOT NULL,
            wait_queue_length INTEGER NOT NULL,
            max_pool_size INTEGER NOT NULL,
            connection_utilization REAL,            -- REAL columns: NULL stands for NaN
            avg_operation_time REAL,
            p95_operation_time REAL,
            p99_operation_time REAL,
            error_rate REAL,
            health_status TEXT NOT NULL,
            operations INTEGER NOT NULL,
            errors INTEGER NOT NULL,
            checkout_failures INTEGER NOT NULL,
            connections_created INTEGER NOT NULL,
            connections_destroyed INTEGER NOT NULL,
            avg_checkout_wait_ms REAL,
            latency_sketch BLOB                     -- SQLiteSketchCodec; NULL when empty
        );
        CREATE INDEX connection_pool_metrics_by_time ON connection_pool_metrics (metric_timestamp);
        CREATE INDEX connection_pool_metrics_by_pool_time ON connection_pool_metrics (pool_name, metric_timestamp);
        -- The newest sample per (pool, instance) by seeks instead of a scan of the history.
        CREATE INDEX connection_pool_metrics_by_pool_instance_time ON connection_pool_metrics (pool_name, instance_id, metric_timestamp);
        \(rollupTable("connection_pool_metrics_hourly"))
        \(rollupTable("connection_pool_metrics_daily"))
        -- rolled_up_through: start (µs) of the newest hour already rolled up.
        CREATE TABLE store_state (name TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
        -- Rolled-up hours whose raw rows changed since (late imports); the next maintain rebuilds them.
        CREATE TABLE rollup_dirty_hours (hour_start INTEGER PRIMARY KEY);
        CREATE TABLE metadata (
            namespace TEXT NOT NULL,
            key TEXT NOT NULL,
            value TEXT NOT NULL,
            position INTEGER NOT NULL,
            PRIMARY KEY (namespace, key)
        ) WITHOUT ROWID;
        CREATE TABLE load_test_results (
            test_id INTEGER PRIMARY KEY,
            pool_name TEXT NOT NULL,
            scenario_name TEXT,
            started_at INTEGER NOT NULL,
            concurrent_connections INTEGER NOT NULL,
            operation_type TEXT NOT NULL,
            test_duration_minutes REAL,
            target_operations_per_second REAL,      -- NULL: no target
            actual_operations_per_second REAL,
            total_operations INTEGER NOT NULL,
            success_rate REAL,
            avg_response_time_ms REAL,
            p50_response_time_ms REAL,
            p95_response_time_ms REAL,
            p99_response_time_ms REAL,
            max_response_time_ms REAL,
            peak_connections_used INTEGER NOT NULL,
            avg_connections_used REAL,
            connection_utilization_peak REAL,
            total_errors INTEGER NOT NULL,
            timeout_errors INTEGER NOT NULL,
            connection_errors INTEGER NOT NULL,
            avg_checkout_wait_ms REAL
        );
        """,
        // 2: what a column cache of the history (SQLiteSampleColumnCache) needs to follow every
        // change of connection_pool_metrics, whoever makes it: triggers, so that deletes and
        // updates by any writer (this code, an older PoolSQL that opened the file before the
        // migration, an operator in the sqlite3 shell) are seen. A delete logs the rowid under
        // an increasing id; an update counts in store_state.sample_updates (the cache reloads).
        // store_state.sample_deletions_trimmed_through: log ids up to it were trimmed.
        """
        CREATE TABLE connection_pool_metrics_deletions (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            row_id INTEGER NOT NULL
        );
        INSERT INTO store_state (name, value) VALUES ('sample_updates', 0), ('sample_deletions_trimmed_through', 0);
        CREATE TRIGGER connection_pool_metrics_log_deletes AFTER DELETE ON connection_pool_metrics
        BEGIN
            INSERT INTO connection_pool_metrics_deletions (row_id) VALUES (OLD.rowid);
        END;
        CREATE TRIGGER connection_pool_metrics_count_updates AFTER UPDATE ON connection_pool_metrics
        BEGIN
            UPDATE store_state SET value = value + 1 WHERE name = 'sample_updates';
        END;
        """,
    ]

    /// The schema version this build writes and understands.
    static var currentVersion: Int64 { Int64(all.count) }

    private static func rollupTable(_ name: String) -> String {
        """
        CREATE TABLE \(name) (
            bucket_start INTEGER NOT NULL,
            pool_name TEXT NOT NULL,
            environment TEXT,
            instance_id TEXT NOT NULL,
            sample_count INTEGER NOT NULL,
            avg_total_connections REAL,
            max_total_connections INTEGER NOT NULL,
            avg_active_connections REAL,
            max_active_connections INTEGER NOT NULL,
            max_wait_queue_length INTEGER NOT NULL,
            avg_connection_utilization REAL,
            min_connection_utilization REAL,
            max_connection_utilization REAL,
            avg_operation_time REAL,
            operations INTEGER NOT NULL,
            errors INTEGER NOT NULL,
            checkout_failures INTEGER NOT NULL,
            connections_created INTEGER NOT NULL,
            connections_destroyed INTEGER NOT NULL,
            error_rate REAL,
            avg_checkout_wait_ms REAL,
            unhealthy_samples INTEGER NOT NULL,
            latency_sketch BLOB
        );
        CREATE UNIQUE INDEX \(name)_by_bucket ON \(name) (bucket_start, pool_name, instance_id);
        CREATE INDEX \(name)_by_pool_bucket ON \(name) (pool_name, bucket_start);
        """
    }

    /// Brings the file of `connection` to `currentVersion`.
    static func migrate(_ connection: SQLiteConnection) throws(PoolSQLError) {
        let version = try connection.scalarInt("PRAGMA user_version") ?? 0
        if version > currentVersion {
            throw PoolSQLError(.objectNotInPrerequisiteState,
                               "metrics store \(connection.path) has schema version \(version), newer than this PoolSQL understands (\(currentVersion))",
                               hint: "open it with a newer PoolSQL, or use another data directory")
        }
        guard version < currentVersion else { return }
        if version == 0, try connection.scalarInt("SELECT count(*) FROM sqlite_schema") != 0 {
            // Tables but no version: some other application's database. Adding ours beside
            // them would mix two schemas in one file.
            throw PoolSQLError(.objectNotInPrerequisiteState,
                               "metrics store \(connection.path) is a SQLite database but not a PoolSQL store (it has tables and no schema version)",
                               hint: "choose another data directory or file")
        }
        try connection.transaction { () throws(PoolSQLError) in
            // Re-read inside the write lock: another process may have migrated meanwhile.
            let current = try connection.scalarInt("PRAGMA user_version") ?? 0
            guard current < currentVersion else { return }
            for index in Int(current)..<all.count {
                try connection.exec(all[index])
            }
            try connection.exec("PRAGMA user_version = \(currentVersion)")
        }
    }
}
