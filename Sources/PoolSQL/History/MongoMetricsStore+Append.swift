import PoolSQLCore
import PoolSQLStore

/// `append`: one ordered `insert` per call, undone on failure so a call stores all its samples
/// or none.
///
/// MongoDB has no multi-document atomicity outside transactions (which need a replica set, and
/// time-series collections do not take part in them), so the store makes a batch "atomic
/// enough" by hand: the documents get client-made `_id`s; an ordered insert stops at its first
/// failing document, so when it reports a write error at index k the k documents before it are
/// the ones stored, and they are deleted again before the error is reported. When the command
/// fails as a whole (a network error: it is unknown which documents arrived) every id of the
/// batch is deleted. If that clean-up fails too, the error says so and how many samples may
/// remain. SecantusDB stores the documents before a duplicate key but rejects a whole batch on
/// a validation failure; both end with nothing stored.
extension MongoMetricsStore {
    public func append(_ samples: [MetricsSample]) throws(PoolSQLError) {
        try checkOpen()
        guard !samples.isEmpty else { return }
        let ids = samples.map { _ in ObjectIDGenerator.next() }
        let documents = zip(samples, ids).map { encodeSample($0, id: $1) }
        let insert = ExtendedJSON.object([
            ("insert", .string(MongoMetricsStore.rawCollection)), ("documents", .array(documents)), ("ordered", .bool(true)),
        ])
        let reply: ExtendedJSON
        do {
            reply = try command(insert)
        } catch {
            throw undo(ids: ids, after: error, what: "inserting \(samples.count) samples")
        }
        if let failure = MongoMetricsStore.writeErrors(reply).first {
            let stored = Array(ids.prefix(max(0, min(failure.index, ids.count))))
            let sample = samples[max(0, min(failure.index, samples.count - 1))]
            let error = PoolSQLError(
                MongoMetricsStore.serverRefused,
                "metrics store \(location): sample \(failure.index + 1) of \(samples.count) (pool \"\(sample.poolName)\", instance \"\(sample.instanceID)\", \(sample.timestamp)) was refused: \(failure.message)",
                detail: "MongoDB error code \(failure.code)")
            throw undo(ids: stored, after: error, what: nil)
        }
        if let concern = reply["writeConcernError"] {
            let error = PoolSQLError(
                MongoMetricsStore.serverRefused,
                "metrics store \(location): the insert of \(samples.count) samples was not acknowledged by the write concern: \(concern["errmsg"]?.stringValue ?? "")",
                detail: "MongoDB error code \(concern["code"]?.int64Value ?? 0)")
            throw undo(ids: ids, after: error, what: nil)
        }
        do {
            try markDirtyHours(of: samples)
        } catch {
            // Without the mark, a late sample of an hour already rolled up would never reach
            // its rollup: take the samples back and report, so the caller can retry.
            throw undo(ids: ids, after: error, what: "marking the rolled-up hours these samples change")
        }
    }

    /// Deletes the documents `ids` after a failed append and returns the error to report.
    private func undo(ids: [String], after error: PoolSQLError, what: String?) -> PoolSQLError {
        var reported = error
        if let what, !reported.message.contains(what) { reported.message = "\(reported.message) (while \(what))" }
        guard !ids.isEmpty else {
            reported.hint = reported.hint ?? "no sample of this call was stored"
            return reported
        }
        do {
            let reply = try command(.object([
                ("delete", .string(MongoMetricsStore.rawCollection)),
                ("deletes", .array([.object([
                    ("q", .object([("_id", .object([("$in", .array(ids.map(ExtendedJSON.objectID)))]))])),
                    ("limit", .int(0)),
                ])])),
            ]))
            try checkWrite(reply, what: "removing the partly stored samples")
            reported.hint = reported.hint ?? "no sample of this call was stored"
        } catch {
            reported.hint = "up to \(ids.count) samples of this call may remain stored: removing them failed too (\(error.message))"
        }
        return reported
    }

    /// Marks, in the shared state document, the hours of `samples` that are already rolled up,
    /// so the next `maintain` (of any instance) rebuilds them. The condition
    /// `rolled_up_through_us >= hour` is evaluated by the server, so the mark is right even when
    /// another instance moved the watermark a moment ago; `maintain` moves the watermark before
    /// it reads raw rows, so a sample is always either read by that rollup or marked for the next.
    func markDirtyHours(of samples: [MetricsSample]) throws(PoolSQLError) {
        let hours = Set(samples.map { RollupGranularity.hourly.bucketStart(of: $0.timestamp).microseconds }).sorted()
        let updates = hours.map { hour -> ExtendedJSON in
            .object([
                ("q", .object([
                    ("_id", .string(MongoMetricsStore.stateID)),
                    ("rolled_up_through_us", .object([("$gte", .int64(hour))])),
                ])),
                ("u", .object([("$inc", .object([(MongoMetricsStore.dirtyField(hour), .int(1))]))])),
            ])
        }
        let reply = try command(.object([
            ("update", .string(MongoMetricsStore.stateCollection)), ("updates", .array(updates)), ("ordered", .bool(true)),
        ]))
        try checkWrite(reply, what: "marking rolled-up hours")
    }

    /// `dirty.h<hour start in µs>`: one counter per hour whose raw rows changed after it was
    /// rolled up. A counter (not a set member) lets `maintain` clear exactly the marks it has
    /// processed: a mark added meanwhile changes the counter, and survives.
    static func dirtyField(_ hour: Int64) -> String { "dirty.h\(hour)" }
}
