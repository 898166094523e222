import PoolSQLCore
import PoolSQLPool

/// Running commands: every command goes through the store's pool as extended JSON, and a
/// failure names the store (by its redacted URI) so a sampler's log line says where it failed.
extension MongoMetricsStore {
    /// HV000 (`fdw_error`), as the pools report a command the server refused.
    static let serverRefused: SQLState = "HV000"

    /// Runs `command` on the store's database and returns the parsed reply.
    @discardableResult
    func command(_ command: ExtendedJSON) throws(PoolSQLError) -> ExtendedJSON {
        try MongoMetricsStore.run(command, pool: pool, uri: uri, database: database)
    }

    static func run(_ command: ExtendedJSON, pool: MongoPool, uri: MongoURI, database: String) throws(PoolSQLError) -> ExtendedJSON {
        let reply: String
        do {
            reply = try pool.runCommand(database: database, commandJSON: command.serialized)
        } catch {
            throw storeError(PoolSQLError.wrapping(error), uri: uri)
        }
        return try ExtendedJSON.parse(reply)
    }

    /// The error of a failed command, prefixed with the store it was sent to.
    static func storeError(_ error: PoolSQLError, uri: MongoURI) -> PoolSQLError {
        var error = error
        error.message = "metrics store \(uri.redacted): \(error.message)"
        return error
    }

    /// The MongoDB error code of a failed command (`detail` of the pool's HV000 errors).
    static func serverErrorCode(_ error: PoolSQLError) -> Int? {
        guard let detail = error.detail, let range = detail.firstRange(of: "MongoDB error code ") else { return nil }
        return Int(detail[range.upperBound...].prefix(while: { $0.isNumber }))
    }

    /// Runs `aggregate` with a cursor and follows it with `getMore` until it is exhausted, all on
    /// one connection (a cursor lives on the server that opened it).
    func aggregate(_ collection: String, pipeline: [ExtendedJSON]) throws(PoolSQLError) -> [ExtendedJSON] {
        let uri = self.uri
        let database = self.database
        let batch = ExtendedJSON.int(Int64(MongoMetricsStore.batchSize))
        let first = ExtendedJSON.object([
            ("aggregate", .string(collection)), ("pipeline", .array(pipeline)),
            ("cursor", .object([("batchSize", batch)])),
        ])
        do {
            return try pool.withConnection { connection -> [ExtendedJSON] in
                var documents: [ExtendedJSON] = []
                var reply = try ExtendedJSON.parse(connection.runCommand(database: database, commandJSON: first.serialized))
                documents += reply.value(at: "cursor.firstBatch")?.arrayValue ?? []
                while let id = reply.value(at: "cursor.id")?.int64Value, id != 0 {
                    let more = ExtendedJSON.object([
                        ("getMore", .int64(id)), ("collection", .string(collection)), ("batchSize", batch),
                    ])
                    reply = try ExtendedJSON.parse(connection.runCommand(database: database, commandJSON: more.serialized))
                    documents += reply.value(at: "cursor.nextBatch")?.arrayValue ?? []
                }
                return documents
            }
        } catch {
            throw MongoMetricsStore.storeError(PoolSQLError.wrapping(error), uri: uri)
        }
    }

    /// The write errors of an `insert`/`update`/`delete` reply (`ok: 1` even when some
    /// statements failed), as (index, code, message).
    static func writeErrors(_ reply: ExtendedJSON) -> [(index: Int, code: Int, message: String)] {
        (reply["writeErrors"]?.arrayValue ?? []).map { error in
            (Int(error["index"]?.int64Value ?? 0), Int(error["code"]?.int64Value ?? 0), error["errmsg"]?.stringValue ?? "write error")
        }
    }

    /// Throws the first write error or write-concern error of a reply.
    func checkWrite(_ reply: ExtendedJSON, what: String) throws(PoolSQLError) {
        if let first = MongoMetricsStore.writeErrors(reply).first {
            throw PoolSQLError(MongoMetricsStore.serverRefused, "metrics store \(location): \(what) failed: \(first.message)",
                               detail: "MongoDB error code \(first.code)")
        }
        if let concern = reply["writeConcernError"] {
            throw PoolSQLError(MongoMetricsStore.serverRefused,
                               "metrics store \(location): \(what) was not acknowledged by the write concern: \(concern["errmsg"]?.stringValue ?? "")",
                               detail: "MongoDB error code \(concern["code"]?.int64Value ?? 0)")
        }
    }

    // MARK: Collections

    /// Codes a server gives when it does not know time-series collections: an unknown
    /// `timeseries` field (before 5.0), invalid options, or no such command variant.
    static let timeSeriesUnsupportedCodes: Set<Int> = [40415, 72, 115, 59]
    /// `NamespaceExists`: another instance created the collection first.
    static let namespaceExistsCode = 48

    /// Finds or creates the collections and indexes, and returns what the raw collection is.
    static func prepareCollections(pool: MongoPool, uri: MongoURI, database: String) throws(PoolSQLError) -> Layout {
        @discardableResult
        func run(_ command: ExtendedJSON) throws(PoolSQLError) -> ExtendedJSON {
            try MongoMetricsStore.run(command, pool: pool, uri: uri, database: database)
        }
        var layout = try existingLayout(run)
        if layout == nil {
            let create = ExtendedJSON.object([
                ("create", .string(rawCollection)),
                ("timeseries", .object([
                    ("timeField", .string("metric_timestamp")), ("metaField", .string("meta")),
                    ("granularity", .string("seconds")),
                ])),
            ])
            do {
                try run(create)
                layout = .timeSeries
            } catch {
                let code = serverErrorCode(error)
                let text = error.message.lowercased()
                if code == namespaceExistsCode {
                    layout = try existingLayout(run)
                } else if code.map(timeSeriesUnsupportedCodes.contains) == true
                            || text.contains("timeseries") || text.contains("time-series") {
                    do {
                        try run(.object([("create", .string(rawCollection))]))
                    } catch where serverErrorCode(error) == namespaceExistsCode {
                        // Created by another instance meanwhile: use whatever it made.
                    }
                    layout = try existingLayout(run) ?? .regular
                } else {
                    throw error
                }
            }
        }
        let resolved = layout ?? .regular
        // The time-series collection's own bucketing serves time ranges; an index on pool and
        // time serves the per-pool queries on both kinds.
        var rawIndexes: [ExtendedJSON] = [index(["\(identityPrefix(resolved))pool_name", "metric_timestamp"], name: "pool_name_metric_timestamp")]
        if resolved == .regular { rawIndexes.insert(index(["metric_timestamp"], name: "metric_timestamp"), at: 0) }
        try run(.object([("createIndexes", .string(rawCollection)), ("indexes", .array(rawIndexes))]))
        for collection in [hourlyCollection, dailyCollection] {
            try run(.object([
                ("createIndexes", .string(collection)),
                ("indexes", .array([
                    index(["bucket_start", "pool_name", "instance_id"], name: "bucket_pool_instance", unique: true),
                    index(["bucket_start_us"], name: "bucket_start_us"),
                ])),
            ]))
        }
        return resolved
    }

    private static func index(_ keys: [String], name: String, unique: Bool = false) -> ExtendedJSON {
        var members: [(String, ExtendedJSON)] = [("key", .object(keys.map { ($0, .int(1)) })), ("name", .string(name))]
        if unique { members.append(("unique", .bool(true))) }
        return .object(members)
    }

    /// The layout of an existing raw collection, nil when there is none.
    private static func existingLayout(_ run: (ExtendedJSON) throws(PoolSQLError) -> ExtendedJSON) throws(PoolSQLError) -> Layout? {
        let reply = try run(.object([
            ("listCollections", .int(1)), ("filter", .object([("name", .string(rawCollection))])),
        ]))
        guard let info = reply.value(at: "cursor.firstBatch")?.arrayValue?.first else { return nil }
        // MongoDB reports type "timeseries"; SecantusDB reports "collection" with the
        // timeseries options.
        if info["type"]?.stringValue == "timeseries" || info.value(at: "options.timeseries") != nil { return .timeSeries }
        return .regular
    }

    /// Where pool, environment and instance live in a raw document: `meta.` for time series.
    static func identityPrefix(_ layout: Layout) -> String {
        layout == .timeSeries ? "meta." : ""
    }
}
