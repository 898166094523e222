import PoolSQLCore
import PoolSQLStore

/// `maintain`: rollups of completed hours and days, then retention in batches.
///
/// Rollup bookkeeping lives in the database (`connection_pool_metrics_state`, `_id: "rollups"`),
/// shared by every instance: `rolled_up_through_us` (start of the newest hour rolled up) and
/// `dirty.h<hour>` counters for hours to (re)build. One maintain:
/// 1. finds the completed hours after the watermark that have raw rows and, in one
///    compare-and-set update, moves the watermark to the last completed hour and marks those
///    hours dirty (an instance that loses the race leaves them to the winner's marks);
/// 2. rebuilds every dirty hour from its raw rows with `MetricsRollup.build` (upserts keyed by
///    bucket, pool and instance, then deletes that hour's rollups no longer produced), and clears
///    its mark only if the counter is unchanged (a sample marked meanwhile keeps it dirty);
/// 3. rebuilds the completed days of those hours from the hourly rollups (`MetricsRollup.merge`);
/// 4. deletes expired raw samples, oldest first, at most `deleteBatchSize` per call (by `_id`,
///    which works for time-series collections on MongoDB 7.0+ and SecantusDB), and expired
///    rollups.
/// A crash between 1 and 2 loses nothing: the marks stay until an hour is rebuilt. Concurrent
/// maintains of two instances may both rebuild an hour; the upserts make that harmless.
/// `policy.maxSizeBytes` is not applied (MongoDB sizes its own storage; use retention).
extension MongoMetricsStore {
    @discardableResult
    public func maintain(now: Timestamp, policy: RetentionPolicy) throws(PoolSQLError) -> MaintenanceReport {
        try checkOpen()
        var report = MaintenanceReport()
        let hour = RollupGranularity.hourly.bucketLength
        let lastComplete = RollupGranularity.hourly.bucketStart(of: now).microseconds - hour
        try advanceWatermark(to: lastComplete)

        let state = try readState()
        let prefix = MongoMetricsStore.identityPrefix(layout)
        var rebuiltHours: [Int64] = []
        for (hourStart, mark) in state.dirty.sorted(by: { $0.key < $1.key }) {
            let rows = try aggregate(MongoMetricsStore.rawCollection, pipeline: [
                .object([("$match", .object([
                    ("metric_timestamp_us", .object([("$gte", .int64(hourStart)), ("$lt", .int64(hourStart + hour))])),
                ]))]),
                // Rollups average in input order: a fixed order makes every instance (and the
                // embedded store, which reads in time order) compute bit-identical values.
                .object([("$sort", .object([
                    ("metric_timestamp_us", .int(1)), ("\(prefix)pool_name", .int(1)), ("\(prefix)instance_id", .int(1)),
                ]))]),
            ])
            var samples: [MetricsSample] = []
            for row in rows { samples.append(try decodeSample(row)) }
            let fresh = MetricsRollup.build(from: samples, granularity: .hourly)
            try replaceRollups(fresh, collection: MongoMetricsStore.hourlyCollection, bucketStart: hourStart)
            report.hourlyRollupsWritten += fresh.count
            try clearMark(hourStart, count: mark)
            rebuiltHours.append(hourStart)
        }

        let day = RollupGranularity.daily.bucketLength
        let lastCompleteDay = RollupGranularity.daily.bucketStart(of: now).microseconds - day
        let days = Set(rebuiltHours.map { RollupGranularity.daily.bucketStart(of: Timestamp(microseconds: $0)).microseconds })
            .filter { $0 <= lastCompleteDay }.sorted()
        for dayStart in days {
            let hourly = try rollups(.hourly, MetricsQuery(from: Timestamp(microseconds: dayStart), to: Timestamp(microseconds: dayStart + day)))
            let fresh = MetricsRollup.merge(hourly, into: .daily)
            try replaceRollups(fresh, collection: MongoMetricsStore.dailyCollection, bucketStart: dayStart)
            report.dailyRollupsWritten += fresh.count
        }

        let (deleted, more) = try deleteExpiredSamples(before: now.microseconds - policy.rawRetentionMicroseconds,
                                                       batchSize: max(1, policy.deleteBatchSize))
        report.rawRowsDeleted = deleted
        report.moreToDelete = more
        let rollupCutoff = now.microseconds - policy.rollupRetentionMicroseconds
        for collection in [MongoMetricsStore.hourlyCollection, MongoMetricsStore.dailyCollection] {
            let reply = try command(.object([
                ("delete", .string(collection)),
                ("deletes", .array([.object([
                    ("q", .object([("bucket_start_us", .object([("$lt", .int64(rollupCutoff))]))])), ("limit", .int(0)),
                ])])),
            ]))
            try checkWrite(reply, what: "deleting expired rollups")
            report.rollupRowsDeleted += Int(reply["n"]?.int64Value ?? 0)
        }
        return report
    }

    /// The shared rollup state.
    struct RollupState {
        var rolledUpThrough: Int64?
        /// Hour start (µs) → mark counter.
        var dirty: [Int64: Int64] = [:]
    }

    func readState() throws(PoolSQLError) -> RollupState {
        let reply = try command(.object([
            ("find", .string(MongoMetricsStore.stateCollection)),
            ("filter", .object([("_id", .string(MongoMetricsStore.stateID))])), ("limit", .int(1)),
        ]))
        var state = RollupState()
        guard let document = reply.value(at: "cursor.firstBatch")?.arrayValue?.first else { return state }
        state.rolledUpThrough = document["rolled_up_through_us"]?.int64Value
        if case let .object(marks)? = document["dirty"] {
            for (key, value) in marks where key.hasPrefix("h") {
                if let hourStart = Int64(key.dropFirst()), let count = value.int64Value { state.dirty[hourStart] = count }
            }
        }
        return state
    }

    /// Step 1: moves the watermark to `lastComplete` and marks the newly completed hours that
    /// have raw rows, in one conditional update.
    private func advanceWatermark(to lastComplete: Int64) throws(PoolSQLError) {
        let previous = try readState().rolledUpThrough
        if let previous, previous >= lastComplete { return }
        let hour = RollupGranularity.hourly.bucketLength
        var range: [(String, ExtendedJSON)] = [("$lt", .int64(lastComplete + hour))]
        if let previous { range.insert(("$gte", .int64(previous + hour)), at: 0) }
        let hours = try hoursWithSamples(range)
        var update: [(String, ExtendedJSON)] = [("$set", .object([("rolled_up_through_us", .int64(lastComplete))]))]
        if !hours.isEmpty { update.append(("$inc", .object(hours.map { (MongoMetricsStore.dirtyField($0), .int(1)) }))) }
        let condition: ExtendedJSON = previous.map { .int64($0) } ?? .object([("$exists", .bool(false))])
        let reply = try command(.object([
            ("update", .string(MongoMetricsStore.stateCollection)),
            ("updates", .array([.object([
                ("q", .object([("_id", .string(MongoMetricsStore.stateID)), ("rolled_up_through_us", condition)])),
                ("u", .object(update)),
                ("upsert", .bool(previous == nil)),
            ])])),
        ]))
        // A duplicate key on the upsert, or no match, means another instance moved the
        // watermark first; its marks cover these hours.
        let errors = MongoMetricsStore.writeErrors(reply).filter { $0.code != 11000 }
        if let first = errors.first {
            throw PoolSQLError(MongoMetricsStore.serverRefused, "metrics store \(location): moving the rollup watermark failed: \(first.message)",
                               detail: "MongoDB error code \(first.code)")
        }
        // A sample appended between the look-up above and the update saw the old watermark and
        // did not mark its hour; look again now that the watermark covers it.
        let late = try hoursWithSamples(range).filter { !hours.contains($0) }
        if !late.isEmpty {
            let marked = try command(.object([
                ("update", .string(MongoMetricsStore.stateCollection)),
                ("updates", .array([.object([
                    ("q", .object([("_id", .string(MongoMetricsStore.stateID))])),
                    ("u", .object([("$inc", .object(late.map { (MongoMetricsStore.dirtyField($0), .int(1)) }))])),
                ])])),
            ]))
            try checkWrite(marked, what: "marking rolled-up hours")
        }
    }

    /// Starts (µs) of the hours with raw samples whose `metric_timestamp_us` is in `range`.
    private func hoursWithSamples(_ range: [(String, ExtendedJSON)]) throws(PoolSQLError) -> [Int64] {
        let hour = RollupGranularity.hourly.bucketLength
        let groups = try aggregate(MongoMetricsStore.rawCollection, pipeline: [
            .object([("$match", .object([("metric_timestamp_us", .object(range))]))]),
            .object([("$group", .object([
                ("_id", .object([("$subtract", .array([
                    .string("$metric_timestamp_us"),
                    .object([("$mod", .array([.string("$metric_timestamp_us"), .int64(hour)]))]),
                ]))])),
            ]))]),
        ])
        // Timestamps before 1970 make `$mod` negative; round them down here.
        return Set(groups.compactMap { $0["_id"]?.int64Value }.map {
            RollupGranularity.hourly.bucketStart(of: Timestamp(microseconds: $0)).microseconds
        }).sorted()
    }

    /// Clears the mark of `hourStart` if no sample marked it again since it was read.
    private func clearMark(_ hourStart: Int64, count: Int64) throws(PoolSQLError) {
        let field = MongoMetricsStore.dirtyField(hourStart)
        let reply = try command(.object([
            ("update", .string(MongoMetricsStore.stateCollection)),
            ("updates", .array([.object([
                ("q", .object([("_id", .string(MongoMetricsStore.stateID)), (field, .int64(count))])),
                ("u", .object([("$unset", .object([(field, .string(""))]))])),
            ])])),
        ]))
        try checkWrite(reply, what: "clearing a rebuilt hour")
    }

    /// Upserts `fresh` (the rollups of the bucket starting at `bucketStart`) and deletes that
    /// bucket's rollups it does not contain (pools or instances whose rows are gone).
    private func replaceRollups(_ fresh: [MetricsRollup], collection: String, bucketStart: Int64) throws(PoolSQLError) {
        if !fresh.isEmpty {
            let updates = fresh.map { rollup -> ExtendedJSON in
                .object([
                    ("q", .object([
                        ("bucket_start", .date(rollup.bucketStart)), ("pool_name", .string(rollup.poolName)),
                        ("instance_id", .string(rollup.instanceID)),
                    ])),
                    ("u", MongoMetricsStore.encodeRollup(rollup)),
                    ("upsert", .bool(true)),
                ])
            }
            let reply = try command(.object([("update", .string(collection)), ("updates", .array(updates)), ("ordered", .bool(false))]))
            // Two instances upserting the same new bucket at once: one insert loses on the
            // unique index (11000); the winner's document is the same rollup.
            if let failure = MongoMetricsStore.writeErrors(reply).first(where: { $0.code != 11000 }) {
                throw PoolSQLError(MongoMetricsStore.serverRefused, "metrics store \(location): writing rollups failed: \(failure.message)",
                                   detail: "MongoDB error code \(failure.code)")
            }
        }
        var query: [(String, ExtendedJSON)] = [("bucket_start_us", .int64(bucketStart))]
        if !fresh.isEmpty {
            query.append(("$nor", .array(fresh.map {
                .object([("pool_name", .string($0.poolName)), ("instance_id", .string($0.instanceID))])
            })))
        }
        let reply = try command(.object([
            ("delete", .string(collection)),
            ("deletes", .array([.object([("q", .object(query)), ("limit", .int(0))])])),
        ]))
        try checkWrite(reply, what: "deleting stale rollups")
    }

    /// Deletes up to `batchSize` raw samples older than `cutoff` (µs), oldest first; returns how
    /// many and whether more remain.
    private func deleteExpiredSamples(before cutoff: Int64, batchSize: Int) throws(PoolSQLError) -> (Int, Bool) {
        let expired = try aggregate(MongoMetricsStore.rawCollection, pipeline: [
            .object([("$match", .object([
                ("metric_timestamp", .object([("$lt", .dateCeiling(cutoff))])),
                ("metric_timestamp_us", .object([("$lt", .int64(cutoff))])),
            ]))]),
            .object([("$sort", .object([("metric_timestamp_us", .int(1))]))]),
            .object([("$limit", .int(Int64(batchSize) + 1))]),
            .object([("$project", .object([("_id", .int(1))]))]),
        ])
        let ids = expired.prefix(batchSize).compactMap { $0["_id"] }
        guard !ids.isEmpty else { return (0, false) }
        let reply = try command(.object([
            ("delete", .string(MongoMetricsStore.rawCollection)),
            ("deletes", .array([.object([("q", .object([("_id", .object([("$in", .array(ids))]))])), ("limit", .int(0))])])),
        ]))
        try checkWrite(reply, what: "deleting expired samples")
        return (Int(reply["n"]?.int64Value ?? 0), expired.count > batchSize)
    }
}
