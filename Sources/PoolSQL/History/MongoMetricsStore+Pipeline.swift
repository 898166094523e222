import PoolSQLCore
import PoolSQLStore

/// Every filter of a `MetricsQuery` pushed into the aggregation pipeline, so the server reads
/// only the matching rows: time range and pool/environment/instance in one `$match`, then
/// `$sort`, the latest-per-instance `$group`, and `$limit`.
extension MongoMetricsStore {
    /// The aggregation pipeline `samples(query)` sends, as extended JSON text: what EXPLAIN
    /// can show for a scan of the history in this store.
    public func pipelineText(for query: MetricsQuery) -> String {
        ExtendedJSON.array(samplePipeline(query)).serialized
    }

    /// The server's `explain` of the pipeline `samples(query)` runs (relaxed extended JSON): shows
    /// that the filters reach the server as a `$match` and how it reads them.
    public func explain(_ query: MetricsQuery) throws(PoolSQLError) -> String {
        try checkOpen()
        let reply = try command(.object([
            ("explain", .object([
                ("aggregate", .string(MongoMetricsStore.rawCollection)), ("pipeline", .array(samplePipeline(query))),
                ("cursor", .object([])),
            ])),
            ("verbosity", .string("queryPlanner")),
        ]))
        return reply.serialized
    }

    /// The pipeline `samples(query)` runs on `connection_pool_metrics`.
    func samplePipeline(_ query: MetricsQuery) -> [ExtendedJSON] {
        MongoMetricsStore.samplePipeline(query, layout: layout)
    }

    static func samplePipeline(_ query: MetricsQuery, layout: Layout) -> [ExtendedJSON] {
        let prefix = identityPrefix(layout)
        let pool = prefix + "pool_name", instance = prefix + "instance_id"
        var stages: [ExtendedJSON] = []
        let match = matchStage(query, dateField: "metric_timestamp", microsecondsField: "metric_timestamp_us",
                               identityPrefix: prefix)
        if let match { stages.append(match) }
        let ascending = ExtendedJSON.object([("$sort", .object([
            ("metric_timestamp_us", .int(1)), (pool, .int(1)), (instance, .int(1)),
        ]))])
        if query.latestPerPoolAndInstance {
            // Newest first, then the first document of each (pool, instance). `$first` after a
            // `$sort` works on every server version ($top needs 5.2).
            stages.append(.object([("$sort", .object([("metric_timestamp_us", .int(-1))]))]))
            stages.append(.object([("$group", .object([
                ("_id", .object([("pool", .string("$" + pool)), ("instance", .string("$" + instance))])),
                ("latest", .object([("$first", .string("$$ROOT"))])),
            ]))]))
            stages.append(.object([("$replaceRoot", .object([("newRoot", .string("$latest"))]))]))
        }
        stages.append(ascending)
        if let limit = query.limit { stages.append(limitStage(limit)) }
        // Without the sketches the server does not send them (most of a document's bytes).
        stages.append(.object([("$project", .object(
            [("_id", .int(0))] + (query.includeLatencySketch ? [] : [("latency_sketch", .int(0))])))]))
        return stages
    }

    /// The pipeline `rollups(_, query)` runs on the hourly or daily collection.
    static func rollupPipeline(_ query: MetricsQuery) -> [ExtendedJSON] {
        var stages: [ExtendedJSON] = []
        if let match = matchStage(query, dateField: "bucket_start", microsecondsField: "bucket_start_us", identityPrefix: "") {
            stages.append(match)
        }
        stages.append(.object([("$sort", .object([("bucket_start_us", .int(1)), ("pool_name", .int(1)), ("instance_id", .int(1))]))]))
        if let limit = query.limit { stages.append(limitStage(limit)) }
        stages.append(.object([("$project", .object([("_id", .int(0))]))]))
        return stages
    }

    /// `$limit`, or a match of nothing for a limit of 0 (MongoDB rejects `$limit: 0`).
    static func limitStage(_ limit: Int) -> ExtendedJSON {
        limit > 0 ? .object([("$limit", .int(Int64(limit)))]) : .object([("$match", .object([("$expr", .bool(false))]))])
    }

    /// The `$match` of a query, nil when it filters nothing.
    ///
    /// Time bounds are given twice: on the BSON date field, which holds milliseconds (the
    /// microseconds below the millisecond are lost there), rounded outwards so it never drops a
    /// matching row and lets the server use its index or time-series buckets; and on the exact
    /// microsecond field, which decides.
    static func matchStage(_ query: MetricsQuery, dateField: String, microsecondsField: String,
                           identityPrefix prefix: String) -> ExtendedJSON? {
        var conditions: [(String, ExtendedJSON)] = []
        var dateBounds: [(String, ExtendedJSON)] = []
        var exactBounds: [(String, ExtendedJSON)] = []
        if let from = query.from {
            dateBounds.append(("$gte", .date(from)))
            exactBounds.append((query.fromInclusive ? "$gte" : "$gt", .int64(from.microseconds)))
        }
        if let to = query.to {
            if query.toInclusive {
                dateBounds.append(("$lte", .date(to)))
            } else {
                dateBounds.append(("$lt", .dateCeiling(to.microseconds)))
            }
            exactBounds.append((query.toInclusive ? "$lte" : "$lt", .int64(to.microseconds)))
        }
        if !dateBounds.isEmpty {
            conditions.append((dateField, .object(dateBounds)))
            conditions.append((microsecondsField, .object(exactBounds)))
        }
        func list(_ field: String, _ values: Set<String>?) {
            guard let values else { return }
            conditions.append((field, .object([("$in", .array(values.sorted().map(ExtendedJSON.string)))])))
        }
        list(prefix + "pool_name", query.poolNames)
        list(prefix + "environment", query.environments)
        list(prefix + "instance_id", query.instanceIDs)
        return conditions.isEmpty ? nil : .object([("$match", .object(conditions))])
    }
}
