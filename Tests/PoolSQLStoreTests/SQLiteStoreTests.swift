import Foundation
import PoolSQLCore
import Testing
@testable import PoolSQLStore

/// What only the embedded store has: a file that must survive reopening, a schema version,
/// damaged files, a size limit, indexes.
@Suite("SQLiteStore")
struct SQLiteStoreTests {
    @Test("reopening the file keeps samples, rollups, the watermark, metadata and load tests")
    func reopenKeepsEverything() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("nested/dir/store.sqlite")  // the directory is created
        let rows = Fixtures.grid(hours: 2)
        do {
            let store = try SQLiteStore(path: path)
            try store.append(rows)
            try store.maintain(now: Fixtures.at(Fixtures.day0 + Fixtures.day + 1), policy: RetentionPolicy())
            try store.setEntry(namespace: "views", key: "v", value: "{}")
            _ = try store.appendLoadTestResult(Fixtures.loadTest(pool: "orders", minutes: 1))
            store.close()
        }
        #expect(!FileManager.default.fileExists(atPath: path + "-wal"))  // checkpointed on close
        let reopened = try SQLiteStore(path: path)
        defer { reopened.close() }
        #expect(try reopened.samples(.all) == Fixtures.expected(rows, .all))
        #expect(try reopened.rollups(.hourly, .all).count == 12)
        #expect(try reopened.rollups(.daily, .all).count == 6)
        #expect(try reopened.entries(namespace: "views") == [MetadataEntry(key: "v", value: "{}")])
        #expect(try reopened.loadTestResults().map(\.testID) == [1])
        #expect(try reopened.appendLoadTestResult(Fixtures.loadTest(pool: "orders", minutes: 2)).testID == 2)
        // The watermark survived: a late row in a rolled-up hour is rebuilt, nothing else.
        try reopened.append([Fixtures.sample(Fixtures.day0 + 1, pool: "orders", seed: 1)])
        let report = try reopened.maintain(now: Fixtures.at(Fixtures.day0 + Fixtures.day + 2), policy: RetentionPolicy())
        #expect(report.hourlyRollupsWritten == 6)
        #expect(try reopened.statistics().rawSamples == rows.count + 1)
    }

    @Test("a new file gets the current schema version, WAL, NORMAL sync and incremental auto-vacuum")
    func schemaVersionAndPragmas() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try SQLiteStore(path: directory.file("s.sqlite"))
        defer { store.close() }
        #expect(try store.schemaVersion() == SQLiteStore.currentSchemaVersion)
        #expect(SQLiteStore.currentSchemaVersion >= 1)
        let pragmas = try store.withConnection { (connection, _) throws(PoolSQLError) -> [String] in
            [try SQLiteStore.pragmaText(connection, "PRAGMA journal_mode"),
             String(try connection.scalarInt("PRAGMA synchronous") ?? -1),
             String(try connection.scalarInt("PRAGMA auto_vacuum") ?? -1),
             String(try connection.scalarInt("PRAGMA foreign_keys") ?? -1)]
        }
        #expect(pragmas == ["wal", "1", "2", "1"])
        #expect(store.kind == "sqlite")
        #expect(store.location == directory.file("s.sqlite"))
    }

    @Test("a file written by a newer PoolSQL is refused with a clear error")
    func newerVersionRejected() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("future.sqlite")
        try SQLiteStore(path: path).close()
        do {
            let raw = try SQLiteConnection(path: path)
            try raw.exec("PRAGMA user_version = \(SQLiteStore.currentSchemaVersion + 5)")
            raw.close()
        }
        let error = #expect(throws: PoolSQLError.self) { try SQLiteStore(path: path) }
        #expect(error?.code == .objectNotInPrerequisiteState)
        #expect(error?.message.contains(path) == true)
        #expect(error?.message.contains("newer") == true)
    }

    @Test("another application's SQLite database is refused, not mixed with ours")
    func foreignDatabase() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("other-app.sqlite")
        do {
            let raw = try SQLiteConnection(path: path)
            try raw.exec("CREATE TABLE connection_pool_metrics (anything TEXT)")
            raw.close()
        }
        let error = #expect(throws: PoolSQLError.self) { try SQLiteStore(path: path) }
        #expect(error?.code == .objectNotInPrerequisiteState)
        #expect(error?.message.contains(path) == true)
        #expect(error?.message.contains("not a PoolSQL store") == true)
    }

    @Test("a file that is not a database gives XX001 naming the path")
    func corruptFile() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("garbage.sqlite")
        var garbage = SeededGenerator(seed: 7)
        let bytes = (0..<8192).map { _ in UInt8.random(in: 0...255, using: &garbage) }
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let error = #expect(throws: PoolSQLError.self) { try SQLiteStore(path: path) }
        #expect(error?.code == .dataCorrupted)
        #expect(error?.message.contains(path) == true)
    }

    @Test("a path that cannot be opened gives 58030 naming the path")
    func unopenablePath() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        // A directory where the file should be.
        let path = directory.file("is-a-directory")
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        let error = #expect(throws: PoolSQLError.self) { try SQLiteStore(path: path) }
        #expect(error?.code == .ioError)
        #expect(error?.message.contains(path) == true)
    }

    @Test("an append that fails part-way stores nothing")
    func atomicAppend() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("atomic.sqlite")
        let store = try SQLiteStore(path: path)
        defer { store.close() }
        try store.append([Fixtures.sample(Fixtures.day0, pool: "kept", seed: 1)])
        // Another connection adds a trigger that rejects one row of the next batch.
        do {
            let other = try SQLiteConnection(path: path)
            try other.exec("""
                CREATE TRIGGER reject_poison BEFORE INSERT ON connection_pool_metrics
                WHEN NEW.pool_name = 'poison' BEGIN SELECT RAISE(ABORT, 'injected failure'); END
                """)
            other.close()
        }
        let batch = [Fixtures.sample(Fixtures.day0 + 1, pool: "a", seed: 2),
                     Fixtures.sample(Fixtures.day0 + 2, pool: "b", seed: 3),
                     Fixtures.sample(Fixtures.day0 + 3, pool: "poison", seed: 4),
                     Fixtures.sample(Fixtures.day0 + 4, pool: "c", seed: 5)]
        let error = #expect(throws: PoolSQLError.self) { try store.append(batch) }
        #expect(error?.message.contains("injected failure") == true)
        #expect(try store.samples(.all).map(\.poolName) == ["kept"])
        // The store still works afterwards (no transaction left open).
        try store.append(batch.filter { $0.poolName != "poison" })
        #expect(try store.samples(.all).map(\.poolName) == ["kept", "a", "b", "c"])
    }

    @Test("a time-range query uses the timestamp index and a pool filter the pool index")
    func queryPlanUsesIndexes() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try SQLiteStore(path: directory.file("plan.sqlite"))
        defer { store.close() }
        // A longer history than the range asked for, and fresh statistics, so the planner
        // chooses on the data rather than defaults.
        try store.append(Fixtures.grid(hours: 48))
        try store.withConnection { (connection, _) throws(PoolSQLError) in try connection.exec("ANALYZE") }
        let lastHour = MetricsQuery(from: Fixtures.at(Fixtures.day0 + 47 * Fixtures.hour), to: Fixtures.at(Fixtures.day0 + 48 * Fixtures.hour))
        let plan = try store.samplesQueryPlan(lastHour).joined(separator: "\n")
        #expect(plan.contains("SEARCH connection_pool_metrics USING INDEX connection_pool_metrics_by_time (metric_timestamp>? AND metric_timestamp<?)"), "\(plan)")
        #expect(!plan.contains("SCAN connection_pool_metrics"), "\(plan)")
        let onePool = MetricsQuery(from: Fixtures.at(Fixtures.day0 + 47 * Fixtures.hour), poolNames: ["orders"])
        let poolPlan = try store.samplesQueryPlan(onePool).joined(separator: "\n")
        #expect(poolPlan.contains("USING INDEX connection_pool_metrics_by_pool_time (pool_name=? AND metric_timestamp>?)"), "\(poolPlan)")
        #expect(try store.samples(lastHour).count == 36)
    }

    @Test("maxSizeBytes keeps the file bounded while samples keep arriving")
    func sizeLimit() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("bounded.sqlite")
        let store = try SQLiteStore(path: path)
        defer { store.close() }
        let limit: Int64 = 2 * 1024 * 1024
        let policy = RetentionPolicy(rawRetentionMicroseconds: 365 * Fixtures.day, maxSizeBytes: limit, deleteBatchSize: 500)
        var largest: Int64 = 0
        var written = 0
        let latencies = (1...40).map { Double($0) * 1.37 }
        for round in 0..<60 {
            let start = Fixtures.day0 + Int64(round) * 500 * 10_000_000
            let batch = (0..<500).map { Fixtures.sample(start + Int64($0) * 10_000_000, pool: "p\($0 % 20)", seed: $0, latencies: latencies) }
            try store.append(batch)
            written += batch.count
            var report = try store.maintain(now: Fixtures.at(start), policy: policy)
            while report.moreToDelete { report = try store.maintain(now: Fixtures.at(start), policy: policy) }
            largest = max(largest, Self.bytesOnDisk(path))
        }
        let statistics = try store.statistics()
        // 30,000 samples with sketches are several times the limit; the file stayed under it.
        #expect(largest <= limit, "largest \(largest)")
        #expect(statistics.sizeBytes <= limit)
        #expect(statistics.rawSamples < written)
        #expect(statistics.rawSamples > 0)
        // The oldest went first: what is left is the newest.
        let newest = Fixtures.day0 + 59 * 500 * 10_000_000 + 499 * 10_000_000
        #expect(statistics.newestSample == Fixtures.at(newest))
        #expect(try store.samples(MetricsQuery(from: Fixtures.at(newest))).count == 1)
        // Without a limit the same data would need far more.
        #expect(Int64(written) * 300 > 2 * limit)
    }

    static func bytesOnDisk(_ path: String) -> Int64 {
        [path, path + "-wal"].reduce(Int64(0)) { total, file in
            let size = (try? FileManager.default.attributesOfItem(atPath: file))?[.size] as? NSNumber
            return total + (size?.int64Value ?? 0)
        }
    }
}

@Suite("SQLiteSketchCodec")
struct SQLiteSketchCodecTests {
    @Test("sketches round-trip through the binary form, and damaged bytes are XX001")
    func roundTrip() throws {
        var generator = SeededGenerator(seed: 99)
        var sketches = [LatencySketch()]
        for size in [1, 5, 200, 5000] {
            var sketch = LatencySketch()
            for _ in 0..<size { sketch.record(exp(Double.random(in: -9...16, using: &generator))) }
            sketch.record(0, times: 3)
            sketches.append(sketch)
        }
        for sketch in sketches {
            let bytes = SQLiteSketchCodec.encode(sketch)
            let back = try bytes.withUnsafeBytes { (buffer) throws(PoolSQLError) in try SQLiteSketchCodec.decode(buffer) }
            #expect(back == sketch)
            #expect(back.quantile(0.95) == sketch.quantile(0.95))
            if sketch.buckets.count > 50 { #expect(bytes.count < sketch.encoded.utf8.count / 2) }
            // Every truncation and a trailing byte are refused, never misread.
            for cut in [1, bytes.count / 2, bytes.count - 1] where cut < bytes.count {
                let error = #expect(throws: PoolSQLError.self) {
                    _ = try Array(bytes.prefix(cut)).withUnsafeBytes { (buffer) throws(PoolSQLError) in try SQLiteSketchCodec.decode(buffer) }
                }
                #expect(error?.code == .dataCorrupted)
            }
            #expect(throws: PoolSQLError.self) {
                _ = try (bytes + [0]).withUnsafeBytes { (buffer) throws(PoolSQLError) in try SQLiteSketchCodec.decode(buffer) }
            }
        }
    }
}
