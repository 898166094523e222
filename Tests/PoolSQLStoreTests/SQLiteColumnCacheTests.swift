import Foundation
import PoolSQLCore
import Testing
@testable import PoolSQLStore

/// Columnar reads (`sampleColumns`) answer exactly what `samples` answers, and the column cache
/// behind them follows every change of the file: appends, retention and size-limit deletes,
/// reused rowids, writes by another connection, a trimmed deletion log.
@Suite("SQLiteStore column cache")
struct SQLiteColumnCacheTests {
    static let limit: Int64 = 64 << 20
    static let allColumns = SampleColumn.allCases

    /// Rows of `samples` as text, one entry per column of `columns`.
    static func rows(_ samples: [MetricsSample], _ columns: [SampleColumn]) -> [[String]] {
        samples.map { s in
            columns.map { column -> String in
                switch column {
                case .timestamp: String(s.timestamp.microseconds)
                case .poolName: s.poolName
                case .environment: s.environment ?? "NULL"
                case .instanceID: s.instanceID
                case .totalConnections: String(s.totalConnections)
                case .activeConnections: String(s.activeConnections)
                case .availableConnections: String(s.availableConnections)
                case .pendingConnections: String(s.pendingConnections)
                case .waitQueueLength: String(s.waitQueueLength)
                case .maxPoolSize: String(s.maxPoolSize)
                case .connectionUtilization: String(s.connectionUtilization)
                case .avgOperationTime: String(s.avgOperationTime)
                case .p95OperationTime: String(s.p95OperationTime)
                case .p99OperationTime: String(s.p99OperationTime)
                case .errorRate: String(s.errorRate)
                case .healthStatus: s.healthStatus
                case .operations: String(s.operations)
                case .errors: String(s.errors)
                case .checkoutFailures: String(s.checkoutFailures)
                case .connectionsCreated: String(s.connectionsCreated)
                case .connectionsDestroyed: String(s.connectionsDestroyed)
                case .avgCheckoutWaitMS: String(s.avgCheckoutWaitMS)
                }
            }
        }
    }

    /// The same for a columnar read.
    static func rows(_ read: SampleColumns, _ columns: [SampleColumn]) -> [[String]] {
        (0..<read.count).map { r in
            columns.map { column -> String in
                switch read.vectors[column] {
                case let .integers(values)?: String(values[r])
                case let .doubles(values)?: String(values[r])
                case let .texts(ids, dictionary, nullBits)?:
                    if let nullBits, nullBits[r >> 6] & (1 << UInt64(r & 63)) != 0 { "NULL" } else { dictionary[Int(ids[r])] }
                case nil: "missing"
                }
            }
        }
    }

    /// `sampleColumns` and `samples` agree on `query`.
    static func expectAgreement(_ store: SQLiteStore, _ query: MetricsQuery, _ columns: [SampleColumn] = allColumns,
                                limit: Int64 = limit, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws {
        let read = try #require(try store.sampleColumns(query, columns, cacheLimitBytes: limit), sourceLocation: sourceLocation)
        let expected = rows(try store.samples(query), columns)
        #expect(read.count == expected.count, sourceLocation: sourceLocation)
        #expect(rows(read, columns) == expected, sourceLocation: sourceLocation)
    }

    static let queries: [MetricsQuery] = [
        .all,
        MetricsQuery(from: Fixtures.at(Fixtures.day0 + Fixtures.hour)),
        MetricsQuery(from: Fixtures.at(Fixtures.day0 + Fixtures.hour), fromInclusive: false,
                     to: Fixtures.at(Fixtures.day0 + 2 * Fixtures.hour), toInclusive: true),
        MetricsQuery(poolNames: ["orders", "nope"]),
        MetricsQuery(environments: ["staging"]),
        MetricsQuery(to: Fixtures.at(Fixtures.day0 + 90 * 60_000_000), instanceIDs: ["host-b:2"]),
        MetricsQuery(poolNames: []),
    ]

    /// The grid plus rows that make the cache work: a NULL environment, NaN doubles, a long
    /// pool name, and (appended last) rows older than the rest.
    static func awkwardRows() -> [MetricsSample] {
        var rows = Fixtures.grid(hours: 3)
        var nullEnvironment = Fixtures.sample(Fixtures.day0 + 5 * 60_000_000, pool: "a-pool-name-longer-than-fifteen-bytes", environment: nil, seed: 4)
        nullEnvironment.connectionUtilization = .nan
        rows.append(nullEnvironment)
        rows.append(Fixtures.sample(Fixtures.day0 - Fixtures.hour, pool: "billing", instance: "host-c:3", seed: 7))
        return rows
    }

    @Test("every column and filter reads as samples does, cached or not, ordered even after an out-of-order import")
    func columnsMatchSamples() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try SQLiteStore(path: directory.file("s.sqlite"))
        defer { store.close() }
        try store.append(Self.awkwardRows())
        // No cache yet: filtered queries read their rows once and keep nothing.
        for query in Self.queries.dropFirst() {
            try Self.expectAgreement(store, query)
            // Filters on columns the query does not return still apply.
            try Self.expectAgreement(store, query, [.timestamp, .activeConnections])
        }
        #expect(store.columnCacheSize().rows == 0)
        // A query over everything builds the cache; then every query is answered from it.
        try Self.expectAgreement(store, .all, [.timestamp, .activeConnections])
        #expect(store.columnCacheSize().rows == Self.awkwardRows().count)
        for query in Self.queries { try Self.expectAgreement(store, query, [.timestamp, .activeConnections]) }
        // More columns than cached: the next query over everything rebuilds with all of them.
        for query in Self.queries { try Self.expectAgreement(store, query) }
        #expect(store.columnCacheSize().rows == Self.awkwardRows().count)
        // Rows appended to a cache already kept in sorted order (the old row above made one):
        // new ones are sorted and merged in, equal keys after the rows written before them.
        try store.append([Fixtures.sample(Fixtures.day0 + 30 * 60_000_000, pool: "billing", instance: "host-a:1", seed: 90),
                          Fixtures.sample(Fixtures.day0 - 2 * Fixtures.hour, pool: "orders", seed: 91),
                          Fixtures.sample(Fixtures.day0 + 9 * Fixtures.hour, pool: "search", seed: 92)])
        for query in Self.queries { try Self.expectAgreement(store, query) }
        #expect(store.columnCacheSize().rows == Self.awkwardRows().count + 3)
        // A limit or the latest rows per pool are for samples.
        #expect(try store.sampleColumns(MetricsQuery(limit: 3), [.timestamp], cacheLimitBytes: Self.limit)?.count == nil)
        #expect(try store.sampleColumns(MetricsQuery(latestPerPoolAndInstance: true), [.timestamp], cacheLimitBytes: Self.limit)?.count == nil)
    }

    @Test("the cache takes in appended rows and drops rows deleted by retention and by the size limit")
    func cacheFollowsAppendsAndDeletes() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try SQLiteStore(path: directory.file("s.sqlite"))
        defer { store.close() }
        try store.append(Fixtures.grid(hours: 3))
        try Self.expectAgreement(store, .all)
        try store.append(Fixtures.grid(from: Fixtures.day0 + 3 * Fixtures.hour, hours: 1))
        for query in Self.queries { try Self.expectAgreement(store, query) }
        #expect(store.columnCacheSize().rows == 4 * 36)
        // Retention in batches of 10: the cache follows each batch.
        let policy = RetentionPolicy(rawRetentionMicroseconds: 2 * Fixtures.hour, deleteBatchSize: 10)
        var report = try store.maintain(now: Fixtures.at(Fixtures.day0 + 4 * Fixtures.hour), policy: policy)
        #expect(report.rawRowsDeleted == 10)
        try Self.expectAgreement(store, .all)
        repeat {
            report = try store.maintain(now: Fixtures.at(Fixtures.day0 + 4 * Fixtures.hour), policy: policy)
        } while report.moreToDelete
        for query in Self.queries { try Self.expectAgreement(store, query) }
        #expect(store.columnCacheSize().rows == 2 * 36)
        // The size limit deletes the oldest rows in batches too.
        try store.maintain(now: Fixtures.at(Fixtures.day0 + 4 * Fixtures.hour),
                           policy: RetentionPolicy(rawRetentionMicroseconds: 365 * Fixtures.day, maxSizeBytes: 1, deleteBatchSize: 7))
        try Self.expectAgreement(store, .all)
        #expect(store.columnCacheSize().rows == (try store.statistics().rawSamples))
    }

    @Test("rowids freed by deleting the newest rows and handed out again are read as new rows")
    func reusedRowIDs() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try SQLiteStore(path: directory.file("s.sqlite"))
        defer { store.close() }
        try store.append(Fixtures.grid(from: Fixtures.day0 + Fixtures.day, hours: 1))
        // Old rows written last hold the highest rowids; retention deletes exactly them.
        try store.append((0..<5).map { Fixtures.sample(Fixtures.day0 + Int64($0), pool: "orders", seed: $0) })
        try Self.expectAgreement(store, .all)
        try store.maintain(now: Fixtures.at(Fixtures.day0 + Fixtures.day + Fixtures.hour),
                           policy: RetentionPolicy(rawRetentionMicroseconds: Fixtures.day))
        // SQLite gives the next rows the deleted rows' rowids.
        try store.append((0..<3).map { Fixtures.sample(Fixtures.day0 + Fixtures.day + 2 * Fixtures.hour + Int64($0), pool: "search", seed: 40 + $0) })
        for query in Self.queries { try Self.expectAgreement(store, query) }
        #expect(store.columnCacheSize().rows == 36 + 3)
    }

    @Test("writes and deletes by another connection (another process) reach the cache; a trimmed log rebuilds it")
    func otherWriters() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("s.sqlite")
        let reader = try SQLiteStore(path: path)
        defer { reader.close() }
        let writer = try SQLiteStore(path: path)
        defer { writer.close() }
        try writer.append(Fixtures.grid(hours: 3))
        try Self.expectAgreement(reader, .all)
        try writer.append(Fixtures.grid(from: Fixtures.day0 + 3 * Fixtures.hour, hours: 1))
        try writer.maintain(now: Fixtures.at(Fixtures.day0 + 4 * Fixtures.hour),
                            policy: RetentionPolicy(rawRetentionMicroseconds: 3 * Fixtures.hour, deleteBatchSize: 5))
        for query in Self.queries { try Self.expectAgreement(reader, query) }
        // More deletes than the log keeps: the reader's cache can no longer catch up, and reloads.
        try writer.append((0..<20).map { Fixtures.sample(Fixtures.day0 - Fixtures.day + Int64($0), pool: "orders", seed: $0) })
        try Self.expectAgreement(reader, .all)
        for _ in 0..<4 {
            _ = try writer.withConnection { (connection, _) throws(PoolSQLError) -> Int in
                try SQLiteStore.deleteSamples(connection, selecting: "SELECT rowid FROM connection_pool_metrics ORDER BY metric_timestamp LIMIT 3",
                                              [], logLimit: 4)
            }
        }
        let (logged, trimmedThrough) = try writer.withConnection { (connection, _) throws(PoolSQLError) -> (Int64, Int64) in
            (try connection.scalarInt("SELECT count(*) FROM connection_pool_metrics_deletions") ?? -1,
             try connection.scalarInt("SELECT value FROM store_state WHERE name = 'sample_deletions_trimmed_through'") ?? -1)
        }
        #expect(logged == 4 && trimmedThrough > 0)
        try Self.expectAgreement(reader, .all)
        #expect(reader.columnCacheSize().rows == (try reader.statistics().rawSamples))
    }

    @Test("deletes and updates outside PoolSQL's code (the sqlite3 shell, an older version) and a renumbering VACUUM reach the cache")
    func foreignWriters() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("s.sqlite")
        let store = try SQLiteStore(path: path)
        defer { store.close() }
        try store.append(Fixtures.grid(hours: 3))
        try Self.expectAgreement(store, .all)
        let shell = try SQLiteConnection(path: path)
        defer { shell.close() }
        try shell.exec("PRAGMA busy_timeout = 5000")
        // A delete in the middle, by hand: the trigger logs it.
        try shell.exec("DELETE FROM connection_pool_metrics WHERE pool_name = 'billing' AND instance_id = 'host-b:2'")
        for query in Self.queries { try Self.expectAgreement(store, query) }
        // An update in place: counted, and the cache reloads.
        try shell.exec("UPDATE connection_pool_metrics SET active_connections = active_connections + 100 WHERE pool_name = 'search'")
        for query in Self.queries { try Self.expectAgreement(store, query) }
        // Rows deleted from the front, then VACUUM renumbers every rowid from 1.
        try shell.exec("DELETE FROM connection_pool_metrics WHERE rowid IN (SELECT rowid FROM connection_pool_metrics ORDER BY rowid LIMIT 10)")
        try Self.expectAgreement(store, .all)
        try shell.exec("VACUUM")
        try store.append(Fixtures.grid(from: Fixtures.day0 + 3 * Fixtures.hour, hours: 1))
        for query in Self.queries { try Self.expectAgreement(store, query) }
        #expect(store.columnCacheSize().rows == (try store.statistics().rawSamples))
        // Rows removed at both ends without the log (its trigger dropped, as a hand-edited
        // schema might): the file's first and last rowids no longer match, and the cache reloads.
        try shell.exec("""
            DROP TRIGGER connection_pool_metrics_log_deletes;
            DELETE FROM connection_pool_metrics WHERE rowid = (SELECT min(rowid) FROM connection_pool_metrics)
                OR rowid = (SELECT max(rowid) FROM connection_pool_metrics);
            """)
        for query in Self.queries { try Self.expectAgreement(store, query) }
    }

    @Test("a cache limit of 0, or one the columns do not fit in, keeps no cache and still answers")
    func cacheLimit() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try SQLiteStore(path: directory.file("s.sqlite"))
        defer { store.close() }
        try store.append(Fixtures.grid(hours: 3))
        try Self.expectAgreement(store, .all, limit: 0)
        #expect(store.columnCacheSize().rows == 0)
        try Self.expectAgreement(store, .all, limit: 1000)
        #expect(store.columnCacheSize().rows == 0)
        try Self.expectAgreement(store, .all)
        #expect(store.columnCacheSize().rows > 0)
        // Turning the cache off frees it at the next query.
        try Self.expectAgreement(store, MetricsQuery(poolNames: ["search"]), limit: 0)
        #expect(store.columnCacheSize().rows == 0 && store.columnCacheSize().bytes == 0)
    }
}
