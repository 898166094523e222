@testable import PoolSQL
import Testing

/// The pipelines the MongoDB store sends (no server needed): every filter of a `MetricsQuery`
/// must reach the `$match`, and the extended JSON must keep what MongoDB needs.
@Suite("MongoMetricsStore pipelines and extended JSON")
struct MongoMetricsStorePipelineTests {
    @Test("time, pool, environment and instance filters are pushed into one $match, for both layouts")
    func everyFilterIsInTheMatch() throws {
        let from = Timestamp(microseconds: 1_767_571_200_000_123, kind: .timestamptz)
        let to = Timestamp(microseconds: 1_767_574_800_000_500, kind: .timestamptz)
        let query = MetricsQuery(from: from, to: to, poolNames: ["search", "orders"], environments: ["prod"],
                                 instanceIDs: ["app-1:1"], limit: 50)
        let timeSeries = MongoMetricsStore.samplePipeline(query, layout: .timeSeries)
        let match = try #require(timeSeries.first?["$match"])
        // The date bound is rounded outwards to the millisecond (BSON dates hold ms) …
        #expect(match.value(at: "metric_timestamp")?["$gte"]?.dateMilliseconds == 1_767_571_200_000)
        #expect(match.value(at: "metric_timestamp")?["$lt"]?.dateMilliseconds == 1_767_574_800_001)
        // … and the exact µs bound decides.
        #expect(match["metric_timestamp_us"]?["$gte"]?.int64Value == from.microseconds)
        #expect(match["metric_timestamp_us"]?["$lt"]?.int64Value == to.microseconds)
        #expect(match["meta.pool_name"]?["$in"] == .array([.string("orders"), .string("search")]))
        #expect(match["meta.environment"]?["$in"] == .array([.string("prod")]))
        #expect(match["meta.instance_id"]?["$in"] == .array([.string("app-1:1")]))
        #expect(timeSeries.contains { $0["$sort"] != nil })
        #expect(timeSeries.contains { $0["$limit"]?.int64Value == 50 })

        let regular = MongoMetricsStore.samplePipeline(query, layout: .regular)
        let regularMatch = try #require(regular.first?["$match"])
        #expect(regularMatch["pool_name"] != nil && regularMatch["meta.pool_name"] == nil)
        #expect(regularMatch["instance_id"]?["$in"] == .array([.string("app-1:1")]))

        // Inclusive and exclusive bounds keep their operators on the exact field.
        let inclusive = MongoMetricsStore.samplePipeline(MetricsQuery(from: from, fromInclusive: false, to: to, toInclusive: true),
                                                         layout: .timeSeries)
        let bounds = try #require(inclusive.first?["$match"]?["metric_timestamp_us"])
        #expect(bounds["$gt"]?.int64Value == from.microseconds && bounds["$lte"]?.int64Value == to.microseconds)
        #expect(inclusive.first?["$match"]?.value(at: "metric_timestamp")?["$lte"]?.dateMilliseconds == 1_767_574_800_000)
    }

    @Test("no filter, no $match; latest per pool and instance groups after the match")
    func latestPerPoolAndInstance() throws {
        #expect(MongoMetricsStore.samplePipeline(.all, layout: .timeSeries).allSatisfy { $0["$match"] == nil })
        let pipeline = MongoMetricsStore.samplePipeline(MetricsQuery(poolNames: ["p"], latestPerPoolAndInstance: true, limit: 0),
                                                        layout: .timeSeries)
        let stages = pipeline.map { stage -> String in
            guard case let .object(members) = stage else { return "" }
            return members.first?.0 ?? ""
        }
        #expect(stages == ["$match", "$sort", "$group", "$replaceRoot", "$sort", "$match", "$project"])
        let group = try #require(pipeline[2]["$group"])
        #expect(group["_id"] == .object([("pool", .string("$meta.pool_name")), ("instance", .string("$meta.instance_id"))]))
        #expect(group["latest"]?["$first"] == .string("$$ROOT"))
        // A limit of 0 matches nothing instead of sending `$limit: 0`, which MongoDB refuses.
        #expect(pipeline[5]["$match"]?["$expr"] == .bool(false))
    }

    @Test("a query without latency sketches projects them away on the server")
    func withoutLatencySketch() throws {
        let full = MongoMetricsStore.samplePipeline(.all, layout: .regular)
        #expect(full.last?["$project"] == .object([("_id", .int(0))]))
        let cheap = MongoMetricsStore.samplePipeline(MetricsQuery(includeLatencySketch: false), layout: .timeSeries)
        #expect(cheap.last?["$project"] == .object([("_id", .int(0)), ("latency_sketch", .int(0))]))
    }

    @Test("rollup queries filter bucket_start the same way")
    func rollupPipeline() throws {
        let from = Timestamp(microseconds: 3_600_000_000, kind: .timestamptz)
        let pipeline = MongoMetricsStore.rollupPipeline(MetricsQuery(from: from, instanceIDs: ["i"]))
        let match = try #require(pipeline.first?["$match"])
        #expect(match["bucket_start_us"]?["$gte"]?.int64Value == 3_600_000_000)
        #expect(match["bucket_start"]?["$gte"]?.dateMilliseconds == 3_600_000)
        #expect(match["instance_id"]?["$in"] == .array([.string("i")]))
    }

    @Test("pipelineText is the JSON EXPLAIN can show")
    func pipelineText() throws {
        let text = ExtendedJSON.array(MongoMetricsStore.samplePipeline(MetricsQuery(poolNames: ["orders"]), layout: .timeSeries)).serialized
        #expect(text.hasPrefix(#"[{"$match": {"meta.pool_name": {"$in": ["orders"]}}}, {"$sort": "#))
    }

    @Test("extended JSON keeps key order, exact 64-bit integers, doubles and escapes")
    func extendedJSONRoundTrip() throws {
        let reply = try ExtendedJSON.parse(#"""
            {"cursor": {"id": 9223372036854775807, "firstBatch": [{"b": 1, "a": 2.0, "s": "q\"\\\u00e9\ud83d\ude00", "d": {"$date": "2026-11-27T23:30:41.327Z"}, "n": null, "t": true}]}, "ok": 1.0}
            """#)
        #expect(reply.value(at: "cursor.id")?.int64Value == Int64.max)
        let document = try #require(reply.value(at: "cursor.firstBatch")?.arrayValue?.first)
        guard case let .object(members) = document else { Issue.record("not an object"); return }
        #expect(members.map(\.0) == ["b", "a", "s", "d", "n", "t"])
        #expect(document["a"] == .double(2))
        #expect(document["s"]?.stringValue == "q\"\\é😀")
        #expect(document["d"]?.dateMilliseconds == 1_795_822_241_327)
        #expect(document["n"]?.isNull == true && document["t"]?.boolValue == true)
        #expect(try ExtendedJSON.parse(document.serialized) == document)
        // Doubles stay doubles in the text MongoDB parses; int64 are explicit.
        #expect(ExtendedJSON.double(3).serialized == "3.0")
        #expect(ExtendedJSON.double(.nan).serialized == #"{"$numberDouble": "NaN"}"#)
        #expect(ExtendedJSON.int64(5).serialized == #"{"$numberLong": "5"}"#)
        #expect(ExtendedJSON.date(Timestamp(microseconds: -1_500)).serialized == #"{"$date": {"$numberLong": "-2"}}"#)
        #expect(ExtendedJSON.parseISODate("1970-01-01T01:00:00+01:00") == 0)
        #expect(throws: PoolSQLError.self) { try ExtendedJSON.parse(#"{"a": }"#) }
        #expect(throws: PoolSQLError.self) { try ExtendedJSON.parse(#"{"a": 1} x"#) }
    }

    @Test("samples and rollups survive the document round trip exactly")
    func documentRoundTrip() throws {
        var sketch = LatencySketch()
        sketch.record(1.5)
        sketch.record(250)
        let sample = MetricsSample(timestamp: Timestamp(microseconds: 1_767_571_200_000_123, kind: .timestamptz), poolName: "p",
                                   environment: nil, instanceID: "h:1", totalConnections: 3, activeConnections: 2,
                                   connectionUtilization: 0.1 + 0.2, avgOperationTime: 1.0 / 3, healthStatus: "healthy",
                                   operations: 2, latencySketch: sketch)
        for layout in [MongoMetricsStore.Layout.timeSeries, .regular] {
            let document = MongoMetricsStore.encodeSample(sample, id: ObjectIDGenerator.next(), layout: layout)
            #expect(try MongoMetricsStore.decodeSample(ExtendedJSON.parse(document.serialized)) == sample)
        }
        let rollup = try #require(MetricsRollup.build(from: [sample], granularity: .hourly).first)
        #expect(try MongoMetricsStore.decodeRollup(ExtendedJSON.parse(MongoMetricsStore.encodeRollup(rollup).serialized)) == rollup)
        #expect(ObjectIDGenerator.next().count == 24 && ObjectIDGenerator.next() != ObjectIDGenerator.next())
    }
}
