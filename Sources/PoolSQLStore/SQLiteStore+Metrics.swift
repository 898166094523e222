import PoolSQLCore

/// Appending samples and reading samples and rollups: every filter of a `MetricsQuery` becomes
/// SQL (time range on the indexed timestamp, IN lists, the latest row per pool and instance,
/// LIMIT), so a query over the last hour of a year-long history reads only that hour.
extension SQLiteStore {
    static let sampleColumnsBeforeSketch = """
        metric_timestamp, pool_name, environment, instance_id, total_connections, active_connections, \
        available_connections, pending_connections, wait_queue_length, max_pool_size, connection_utilization, \
        avg_operation_time, p95_operation_time, p99_operation_time, error_rate, health_status, operations, errors, \
        checkout_failures, connections_created, connections_destroyed, avg_checkout_wait_ms
        """
    static let sampleColumns = sampleColumnsBeforeSketch + ", latency_sketch"
    /// The select list of a scan that does not need the sketches: a NULL in the sketch's place
    /// keeps the column positions of `decodeSample`, and SQLite never touches the BLOB (most
    /// of a row's bytes; it may sit on overflow pages).
    static let sampleColumnsWithoutSketch = sampleColumnsBeforeSketch + ", NULL"

    static func selectList(_ query: MetricsQuery) -> String {
        query.includeLatencySketch ? sampleColumns : sampleColumnsWithoutSketch
    }
    static let insertSampleSQL = "INSERT INTO connection_pool_metrics (\(sampleColumns)) VALUES (\(placeholders(23)))"

    static let rollupColumns = """
        bucket_start, pool_name, environment, instance_id, sample_count, avg_total_connections, max_total_connections, \
        avg_active_connections, max_active_connections, max_wait_queue_length, avg_connection_utilization, \
        min_connection_utilization, max_connection_utilization, avg_operation_time, operations, errors, \
        checkout_failures, connections_created, connections_destroyed, error_rate, avg_checkout_wait_ms, \
        unhealthy_samples, latency_sketch
        """

    static func placeholders(_ n: Int) -> String { Array(repeating: "?", count: n).joined(separator: ", ") }

    static func rollupTable(_ granularity: RollupGranularity) -> String {
        granularity == .hourly ? "connection_pool_metrics_hourly" : "connection_pool_metrics_daily"
    }

    // MARK: MetricsStore

    /// One transaction per call with a cached prepared INSERT: all samples are stored, or none.
    public func append(_ samples: [MetricsSample]) throws(PoolSQLError) {
        try withConnection { (connection, s) throws(PoolSQLError) in
            guard !samples.isEmpty else { return }
            let through = s.rolledUpThrough
            try connection.transaction { () throws(PoolSQLError) in
                let insert = try connection.prepare(Self.insertSampleSQL)
                var dirty: Set<Int64> = []
                for sample in samples {
                    insert.reset()
                    Self.bind(sample, to: insert)
                    try insert.run()
                    if let through {
                        let hour = RollupGranularity.hourly.bucketStart(of: sample.timestamp).microseconds
                        if hour <= through { dirty.insert(hour) }
                    }
                }
                if !dirty.isEmpty {
                    let mark = try connection.prepare("INSERT OR IGNORE INTO rollup_dirty_hours (hour_start) VALUES (?)")
                    for hour in dirty {
                        mark.reset()
                        mark.bind(hour)
                        try mark.run()
                    }
                }
            }
        }
    }

    public func samples(_ query: MetricsQuery) throws(PoolSQLError) -> [MetricsSample] {
        try withReader { (connection) throws(PoolSQLError) in
            var (sql, binds) = Self.samplesSQL(query)
            if query.latestPerPoolAndInstance, let rowIDs = try Self.latestRowIDs(connection, query) {
                sql = "SELECT \(Self.selectList(query)) FROM connection_pool_metrics WHERE rowid IN (\(Self.placeholders(rowIDs.count))) ORDER BY metric_timestamp, pool_name, instance_id"
                    + (query.limit == nil ? "" : " LIMIT ?")
                binds = rowIDs.map { .integer($0) } + (query.limit.map { [.integer(Int64(max($0, 0)))] } ?? [])
            }
            let statement = try connection.prepare(sql, cached: !query.latestPerPoolAndInstance)
            defer { statement.reset() }
            Self.bind(binds, to: statement)
            var rows: [MetricsSample] = []
            if let limit = query.limit {
                rows.reserveCapacity(min(max(limit, 0), 1 << 16))
            } else if !query.latestPerPoolAndInstance {
                // A long scan counts first (the same filters, on an index: a few ms per million
                // rows) so the array is allocated once instead of being copied ~20 times while it
                // doubles. Only a hint: rows written in between just make it grow.
                rows.reserveCapacity(try Self.count(connection, query))
            }
            var strings = SQLiteTextInterner()
            while try statement.step() {
                rows.append(try Self.decodeSample(statement, strings: &strings))
            }
            if Self.readsInRowidOrder(query), !Self.isOrdered(rows) {
                // Rows imported out of order (COPY FROM an older export): a stable sort keeps
                // the write order among equal keys, as the index-ordered read would.
                rows.sort { ($0.timestamp.microseconds, $0.poolName, $0.instanceID) < ($1.timestamp.microseconds, $1.poolName, $1.instanceID) }
            }
            return rows
        }
    }

    /// Whether `samplesSQL` reads the table in rowid order and leaves the ordering to `samples`:
    /// for a scan of the whole history (no time, pool or instance filter, no limit). Walking the
    /// time index instead costs a table seek per row and a sort of each timestamp's rows (0.6
    /// against 0.35 s of SQLite's CPU per million rows); the sampler writes in time order, so the
    /// rows almost always come back ordered already and `isOrdered` is one pass.
    static func readsInRowidOrder(_ query: MetricsQuery) -> Bool {
        query.from == nil && query.to == nil && query.poolNames == nil && query.instanceIDs == nil
            && query.limit == nil && !query.latestPerPoolAndInstance
    }

    /// Whether `rows` are ordered by time, then pool, then instance.
    static func isOrdered(_ rows: [MetricsSample]) -> Bool {
        guard rows.count > 1 else { return true }
        for i in 1..<rows.count {
            let a = rows[i - 1], b = rows[i]
            if a.timestamp.microseconds != b.timestamp.microseconds {
                if a.timestamp.microseconds > b.timestamp.microseconds { return false }
                continue
            }
            if a.poolName != b.poolName {
                if a.poolName > b.poolName { return false }
                continue
            }
            if a.instanceID > b.instanceID { return false }
        }
        return true
    }

    public func rollups(_ granularity: RollupGranularity, _ query: MetricsQuery) throws(PoolSQLError) -> [MetricsRollup] {
        try withReader { (connection) throws(PoolSQLError) in
            try Self.readRollups(connection, granularity, query)
        }
    }

    /// How many samples pass `query`'s filters (ignoring its limit).
    static func count(_ connection: SQLiteConnection, _ query: MetricsQuery) throws(PoolSQLError) -> Int {
        let (filter, binds) = whereClause(query, timeColumn: "metric_timestamp")
        let statement = try connection.prepare("SELECT count(*) FROM connection_pool_metrics" + filter)
        defer { statement.reset() }
        bind(binds, to: statement)
        return try statement.step() ? statement.int(0) : 0
    }

    /// SQLite's plan for the samples query of `query` (`EXPLAIN QUERY PLAN` details, one line
    /// per step), e.g. `SEARCH connection_pool_metrics USING INDEX … (metric_timestamp>? AND
    /// metric_timestamp<?)`: shows which filters the store answers with an index. For
    /// `latestPerPoolAndInstance` it is the plan of the GROUP BY fallback; the store normally
    /// answers that by index seeks (`latestRowIDs`).
    public func samplesQueryPlan(_ query: MetricsQuery) throws(PoolSQLError) -> [String] {
        try withReader { (connection) throws(PoolSQLError) in
            let (sql, binds) = Self.samplesSQL(query)
            let statement = try connection.prepare("EXPLAIN QUERY PLAN " + sql, cached: false)
            Self.bind(binds, to: statement)
            var lines: [String] = []
            while try statement.step() { lines.append(statement.text(3)) }
            return lines
        }
    }

    /// The rowids of the newest sample of each (pool, instance) passing `query`'s filters, by
    /// index seeks: walk the distinct (pool, instance) pairs of the pool/instance/time index
    /// (one seek each), then one backwards seek per pair. Milliseconds on a history of
    /// millions of rows, where grouping the whole table takes seconds. `nil` when there are too
    /// many pairs for one statement's parameters (the caller falls back to GROUP BY).
    static func latestRowIDs(_ connection: SQLiteConnection, _ query: MetricsQuery) throws(PoolSQLError) -> [Int64]? {
        let first = try connection.prepare(
            "SELECT pool_name, instance_id FROM connection_pool_metrics ORDER BY pool_name, instance_id LIMIT 1")
        let next = try connection.prepare(
            "SELECT pool_name, instance_id FROM connection_pool_metrics WHERE (pool_name, instance_id) > (?, ?) ORDER BY pool_name, instance_id LIMIT 1")
        var pairs: [(pool: String, instance: String)] = []
        var current: (String, String)?
        if try first.step() { current = (first.text(0), first.text(1)) }
        first.reset()
        while let (pool, instance) = current {
            if query.poolNames.map({ $0.contains(pool) }) ?? true, query.instanceIDs.map({ $0.contains(instance) }) ?? true {
                pairs.append((pool, instance))
            }
            if pairs.count > 10_000 { return nil }
            next.reset()
            next.bind(pool)
            next.bind(instance)
            current = try next.step() ? (next.text(0), next.text(1)) : nil
        }
        next.reset()
        // Per pair: its newest row passing the time and environment filters (the last one
        // written among equal timestamps, as MemoryStore's stable sort keeps).
        var filter = MetricsQuery(from: query.from, fromInclusive: query.fromInclusive, to: query.to, toInclusive: query.toInclusive,
                                  environments: query.environments)
        filter.limit = nil
        let (conditions, binds) = whereClause(filter, timeColumn: "metric_timestamp")
        let newest = try connection.prepare(
            "SELECT rowid FROM connection_pool_metrics WHERE pool_name = ? AND instance_id = ?"
            + (conditions.isEmpty ? "" : " AND " + conditions.dropFirst(" WHERE ".count))
            + " ORDER BY metric_timestamp DESC, rowid DESC LIMIT 1")
        defer { newest.reset() }
        var rowIDs: [Int64] = []
        for (pool, instance) in pairs {
            newest.reset()
            newest.bind(pool)
            newest.bind(instance)
            bind(binds, to: newest)
            if try newest.step() { rowIDs.append(newest.int64(0)) }
        }
        return rowIDs
    }

    // MARK: SQL for a query

    /// A bound parameter of a generated query.
    enum Parameter {
        case integer(Int64)
        case text(String)
    }

    /// `WHERE …` (or "") for the filters of `query` on a table whose time column is `timeColumn`.
    static func whereClause(_ query: MetricsQuery, timeColumn: String) -> (String, [Parameter]) {
        var conditions: [String] = []
        var binds: [Parameter] = []
        if let from = query.from {
            conditions.append("\(timeColumn) \(query.fromInclusive ? ">=" : ">") ?")
            binds.append(.integer(from.microseconds))
        }
        if let to = query.to {
            conditions.append("\(timeColumn) \(query.toInclusive ? "<=" : "<") ?")
            binds.append(.integer(to.microseconds))
        }
        for (column, values) in [("pool_name", query.poolNames), ("environment", query.environments), ("instance_id", query.instanceIDs)] {
            guard let values else { continue }
            if values.isEmpty {
                conditions.append("0")
            } else {
                // Sorted, so the same set gives the same SQL text (and reuses the cached statement).
                let sorted = values.sorted()
                conditions.append("\(column) IN (\(placeholders(sorted.count)))")
                binds.append(contentsOf: sorted.map { .text($0) })
            }
        }
        return (conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND "), binds)
    }

    static func samplesSQL(_ query: MetricsQuery) -> (String, [Parameter]) {
        var (filter, binds) = whereClause(query, timeColumn: "metric_timestamp")
        var sql = "SELECT \(selectList(query)) FROM connection_pool_metrics"
        if query.latestPerPoolAndInstance {
            // SQLite returns the bare column (rowid) from the row holding max(): the newest
            // sample of each (pool, instance) among the rows that pass the filters.
            sql += " WHERE rowid IN (SELECT id FROM (SELECT rowid AS id, max(metric_timestamp) FROM connection_pool_metrics\(filter) GROUP BY pool_name, instance_id))"
        } else {
            sql += filter
        }
        if readsInRowidOrder(query) { return (sql, binds) }
        sql += " ORDER BY metric_timestamp, pool_name, instance_id"
        if let limit = query.limit {
            sql += " LIMIT ?"
            binds.append(.integer(Int64(max(limit, 0))))
        }
        return (sql, binds)
    }

    static func rollupsSQL(_ granularity: RollupGranularity, _ query: MetricsQuery) -> (String, [Parameter]) {
        var (filter, binds) = whereClause(query, timeColumn: "bucket_start")
        var sql = "SELECT \(rollupColumns) FROM \(rollupTable(granularity))\(filter) ORDER BY bucket_start, pool_name, instance_id"
        if let limit = query.limit {
            sql += " LIMIT ?"
            binds.append(.integer(Int64(max(limit, 0))))
        }
        return (sql, binds)
    }

    static func bind(_ parameters: [Parameter], to statement: SQLiteStatement) {
        for parameter in parameters {
            switch parameter {
            case .integer(let value): statement.bind(value)
            case .text(let value): statement.bind(value)
            }
        }
    }

    static func readRollups(_ connection: SQLiteConnection, _ granularity: RollupGranularity,
                            _ query: MetricsQuery) throws(PoolSQLError) -> [MetricsRollup] {
        let (sql, binds) = rollupsSQL(granularity, query)
        let statement = try connection.prepare(sql)
        defer { statement.reset() }
        bind(binds, to: statement)
        var rows: [MetricsRollup] = []
        while try statement.step() {
            rows.append(try decodeRollup(statement))
        }
        return rows
    }

    // MARK: Row encoding (column order of sampleColumns / rollupColumns)

    static func bind(_ sample: MetricsSample, to statement: SQLiteStatement) {
        statement.bind(sample.timestamp.microseconds)
        statement.bind(sample.poolName)
        statement.bind(sample.environment)
        statement.bind(sample.instanceID)
        statement.bind(sample.totalConnections)
        statement.bind(sample.activeConnections)
        statement.bind(sample.availableConnections)
        statement.bind(sample.pendingConnections)
        statement.bind(sample.waitQueueLength)
        statement.bind(sample.maxPoolSize)
        statement.bind(sample.connectionUtilization)
        statement.bind(sample.avgOperationTime)
        statement.bind(sample.p95OperationTime)
        statement.bind(sample.p99OperationTime)
        statement.bind(sample.errorRate)
        statement.bind(sample.healthStatus)
        statement.bind(sample.operations)
        statement.bind(sample.errors)
        statement.bind(sample.checkoutFailures)
        statement.bind(sample.connectionsCreated)
        statement.bind(sample.connectionsDestroyed)
        statement.bind(sample.avgCheckoutWaitMS)
        if sample.latencySketch.isEmpty { statement.bindNull() } else { statement.bind(SQLiteSketchCodec.encode(sample.latencySketch)) }
    }

    static func decodeSample(_ row: SQLiteStatement) throws(PoolSQLError) -> MetricsSample {
        var strings = SQLiteTextInterner()
        return try decodeSample(row, strings: &strings)
    }

    /// One row of `sampleColumns` (or `sampleColumnsWithoutSketch`: the NULL is the empty
    /// sketch). The identifying texts go through `strings`, so a scan shares one String per
    /// distinct pool, environment, instance and health instead of allocating four per row.
    static func decodeSample(_ row: SQLiteStatement, strings: inout SQLiteTextInterner) throws(PoolSQLError) -> MetricsSample {
        MetricsSample(
            timestamp: Timestamp(microseconds: row.int64(0), kind: .timestamptz),
            poolName: row.text(1, interning: &strings), environment: row.isNull(2) ? nil : row.text(2, interning: &strings),
            instanceID: row.text(3, interning: &strings),
            totalConnections: row.int(4), activeConnections: row.int(5), availableConnections: row.int(6),
            pendingConnections: row.int(7), waitQueueLength: row.int(8), maxPoolSize: row.int(9),
            connectionUtilization: row.double(10), avgOperationTime: row.double(11), p95OperationTime: row.double(12),
            p99OperationTime: row.double(13), errorRate: row.double(14), healthStatus: row.text(15, interning: &strings),
            operations: row.int(16), errors: row.int(17), checkoutFailures: row.int(18), connectionsCreated: row.int(19),
            connectionsDestroyed: row.int(20), avgCheckoutWaitMS: row.double(21),
            latencySketch: try sketch(row, 22))
    }

    static func bind(_ rollup: MetricsRollup, to statement: SQLiteStatement) {
        statement.bind(rollup.bucketStart.microseconds)
        statement.bind(rollup.poolName)
        statement.bind(rollup.environment)
        statement.bind(rollup.instanceID)
        statement.bind(rollup.sampleCount)
        statement.bind(rollup.avgTotalConnections)
        statement.bind(rollup.maxTotalConnections)
        statement.bind(rollup.avgActiveConnections)
        statement.bind(rollup.maxActiveConnections)
        statement.bind(rollup.maxWaitQueueLength)
        statement.bind(rollup.avgConnectionUtilization)
        statement.bind(rollup.minConnectionUtilization)
        statement.bind(rollup.maxConnectionUtilization)
        statement.bind(rollup.avgOperationTime)
        statement.bind(rollup.operations)
        statement.bind(rollup.errors)
        statement.bind(rollup.checkoutFailures)
        statement.bind(rollup.connectionsCreated)
        statement.bind(rollup.connectionsDestroyed)
        statement.bind(rollup.errorRate)
        statement.bind(rollup.avgCheckoutWaitMS)
        statement.bind(rollup.unhealthySamples)
        if rollup.latencySketch.isEmpty { statement.bindNull() } else { statement.bind(SQLiteSketchCodec.encode(rollup.latencySketch)) }
    }

    static func decodeRollup(_ row: SQLiteStatement) throws(PoolSQLError) -> MetricsRollup {
        MetricsRollup(
            bucketStart: Timestamp(microseconds: row.int64(0), kind: .timestamptz),
            poolName: row.text(1), environment: row.optionalText(2), instanceID: row.text(3),
            sampleCount: row.int(4), avgTotalConnections: row.double(5), maxTotalConnections: row.int(6),
            avgActiveConnections: row.double(7), maxActiveConnections: row.int(8), maxWaitQueueLength: row.int(9),
            avgConnectionUtilization: row.double(10), minConnectionUtilization: row.double(11),
            maxConnectionUtilization: row.double(12), avgOperationTime: row.double(13), operations: row.int(14),
            errors: row.int(15), checkoutFailures: row.int(16), connectionsCreated: row.int(17),
            connectionsDestroyed: row.int(18), errorRate: row.double(19), avgCheckoutWaitMS: row.double(20),
            unhealthySamples: row.int(21), latencySketch: try sketch(row, 22))
    }

    /// NULL is the empty sketch.
    private static func sketch(_ row: SQLiteStatement, _ column: Int32) throws(PoolSQLError) -> LatencySketch {
        if row.isNull(column) { return LatencySketch() }
        return try row.withBlob(column) { (bytes) throws(PoolSQLError) in try SQLiteSketchCodec.decode(bytes) }
    }
}
