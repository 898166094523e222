import Foundation
import PoolSQLCore
import PoolSQLStore
import Synchronization

/// How samples and rollups look as MongoDB documents.
///
/// Times are stored twice: as a BSON date (`metric_timestamp`, `bucket_start`: milliseconds, what
/// MongoDB tools, TTL and time-series bucketing understand) and as exact microseconds
/// (`metric_timestamp_us`, `bucket_start_us`: what PoolSQL filters, orders and reads back by).
/// The latency sketch is kept in its compact text form.
extension MongoMetricsStore {
    func encodeSample(_ sample: MetricsSample, id: String) -> ExtendedJSON {
        MongoMetricsStore.encodeSample(sample, id: id, layout: layout)
    }

    static func encodeSample(_ sample: MetricsSample, id: String, layout: Layout) -> ExtendedJSON {
        var identity: [(String, ExtendedJSON)] = [("pool_name", .string(sample.poolName))]
        if let environment = sample.environment { identity.append(("environment", .string(environment))) }
        identity.append(("instance_id", .string(sample.instanceID)))
        var fields: [(String, ExtendedJSON)] = [
            ("_id", .objectID(id)),
            ("metric_timestamp", .date(sample.timestamp)),
            ("metric_timestamp_us", .int64(sample.timestamp.microseconds)),
        ]
        if layout == .timeSeries { fields.append(("meta", .object(identity))) } else { fields += identity }
        fields += [
            ("total_connections", .int(Int64(sample.totalConnections))),
            ("active_connections", .int(Int64(sample.activeConnections))),
            ("available_connections", .int(Int64(sample.availableConnections))),
            ("pending_connections", .int(Int64(sample.pendingConnections))),
            ("wait_queue_length", .int(Int64(sample.waitQueueLength))),
            ("max_pool_size", .int(Int64(sample.maxPoolSize))),
            ("connection_utilization", .double(sample.connectionUtilization)),
            ("avg_operation_time", .double(sample.avgOperationTime)),
            ("p95_operation_time", .double(sample.p95OperationTime)),
            ("p99_operation_time", .double(sample.p99OperationTime)),
            ("error_rate", .double(sample.errorRate)),
            ("health_status", .string(sample.healthStatus)),
            ("operations", .int(Int64(sample.operations))),
            ("errors", .int(Int64(sample.errors))),
            ("checkout_failures", .int(Int64(sample.checkoutFailures))),
            ("connections_created", .int(Int64(sample.connectionsCreated))),
            ("connections_destroyed", .int(Int64(sample.connectionsDestroyed))),
            ("avg_checkout_wait_ms", .double(sample.avgCheckoutWaitMS)),
        ]
        if !sample.latencySketch.isEmpty { fields.append(("latency_sketch", .string(sample.latencySketch.encoded))) }
        return .object(fields)
    }

    func decodeSample(_ document: ExtendedJSON) throws(PoolSQLError) -> MetricsSample {
        try MongoMetricsStore.decodeSample(document)
    }

    /// Reads a raw document of either layout (identity in `meta` or at top level).
    static func decodeSample(_ document: ExtendedJSON) throws(PoolSQLError) -> MetricsSample {
        let identity = document["meta"] ?? document
        guard let pool = identity["pool_name"]?.stringValue, let instance = identity["instance_id"]?.stringValue else {
            throw malformed("a sample without pool_name or instance_id", document)
        }
        let microseconds: Int64
        if let exact = document["metric_timestamp_us"]?.int64Value {
            microseconds = exact
        } else if let ms = document["metric_timestamp"]?.dateMilliseconds {
            // Written by something other than PoolSQL: the date is all there is.
            microseconds = ms * 1000
        } else {
            throw malformed("a sample without metric_timestamp", document)
        }
        func int(_ key: String) -> Int { Int(document[key]?.int64Value ?? 0) }
        func double(_ key: String) -> Double { document[key]?.doubleValue ?? 0 }
        var sketch = LatencySketch()
        if let text = document["latency_sketch"]?.stringValue { sketch = try LatencySketch(encoded: text) }
        return MetricsSample(
            timestamp: Timestamp(microseconds: microseconds, kind: .timestamptz), poolName: pool,
            environment: identity["environment"]?.stringValue, instanceID: instance,
            totalConnections: int("total_connections"), activeConnections: int("active_connections"),
            availableConnections: int("available_connections"), pendingConnections: int("pending_connections"),
            waitQueueLength: int("wait_queue_length"), maxPoolSize: int("max_pool_size"),
            connectionUtilization: double("connection_utilization"), avgOperationTime: double("avg_operation_time"),
            p95OperationTime: double("p95_operation_time"), p99OperationTime: double("p99_operation_time"),
            errorRate: double("error_rate"), healthStatus: document["health_status"]?.stringValue ?? "unknown",
            operations: int("operations"), errors: int("errors"), checkoutFailures: int("checkout_failures"),
            connectionsCreated: int("connections_created"), connectionsDestroyed: int("connections_destroyed"),
            avgCheckoutWaitMS: double("avg_checkout_wait_ms"), latencySketch: sketch)
    }

    /// The rollup document without `_id`: an upsert replaces the whole document, keyed by
    /// `{bucket_start, pool_name, instance_id}`.
    static func encodeRollup(_ rollup: MetricsRollup) -> ExtendedJSON {
        var fields: [(String, ExtendedJSON)] = [
            ("bucket_start", .date(rollup.bucketStart)),
            ("bucket_start_us", .int64(rollup.bucketStart.microseconds)),
            ("pool_name", .string(rollup.poolName)),
            ("instance_id", .string(rollup.instanceID)),
        ]
        if let environment = rollup.environment { fields.append(("environment", .string(environment))) }
        fields += [
            ("sample_count", .int(Int64(rollup.sampleCount))),
            ("avg_total_connections", .double(rollup.avgTotalConnections)),
            ("max_total_connections", .int(Int64(rollup.maxTotalConnections))),
            ("avg_active_connections", .double(rollup.avgActiveConnections)),
            ("max_active_connections", .int(Int64(rollup.maxActiveConnections))),
            ("max_wait_queue_length", .int(Int64(rollup.maxWaitQueueLength))),
            ("avg_connection_utilization", .double(rollup.avgConnectionUtilization)),
            ("min_connection_utilization", .double(rollup.minConnectionUtilization)),
            ("max_connection_utilization", .double(rollup.maxConnectionUtilization)),
            ("avg_operation_time", .double(rollup.avgOperationTime)),
            ("operations", .int(Int64(rollup.operations))),
            ("errors", .int(Int64(rollup.errors))),
            ("checkout_failures", .int(Int64(rollup.checkoutFailures))),
            ("connections_created", .int(Int64(rollup.connectionsCreated))),
            ("connections_destroyed", .int(Int64(rollup.connectionsDestroyed))),
            ("error_rate", .double(rollup.errorRate)),
            ("avg_checkout_wait_ms", .double(rollup.avgCheckoutWaitMS)),
            ("unhealthy_samples", .int(Int64(rollup.unhealthySamples))),
            ("latency_sketch", .string(rollup.latencySketch.encoded)),
        ]
        return .object(fields)
    }

    static func decodeRollup(_ document: ExtendedJSON) throws(PoolSQLError) -> MetricsRollup {
        guard let pool = document["pool_name"]?.stringValue, let instance = document["instance_id"]?.stringValue,
              let bucket = document["bucket_start_us"]?.int64Value else {
            throw malformed("a rollup without bucket_start_us, pool_name or instance_id", document)
        }
        func int(_ key: String) -> Int { Int(document[key]?.int64Value ?? 0) }
        func double(_ key: String) -> Double { document[key]?.doubleValue ?? 0 }
        var sketch = LatencySketch()
        if let text = document["latency_sketch"]?.stringValue { sketch = try LatencySketch(encoded: text) }
        var rollup = MetricsRollup(bucketStart: Timestamp(microseconds: bucket, kind: .timestamptz), poolName: pool,
                                   environment: document["environment"]?.stringValue, instanceID: instance)
        rollup.sampleCount = int("sample_count")
        rollup.avgTotalConnections = double("avg_total_connections")
        rollup.maxTotalConnections = int("max_total_connections")
        rollup.avgActiveConnections = double("avg_active_connections")
        rollup.maxActiveConnections = int("max_active_connections")
        rollup.maxWaitQueueLength = int("max_wait_queue_length")
        rollup.avgConnectionUtilization = double("avg_connection_utilization")
        rollup.minConnectionUtilization = double("min_connection_utilization")
        rollup.maxConnectionUtilization = double("max_connection_utilization")
        rollup.avgOperationTime = double("avg_operation_time")
        rollup.operations = int("operations")
        rollup.errors = int("errors")
        rollup.checkoutFailures = int("checkout_failures")
        rollup.connectionsCreated = int("connections_created")
        rollup.connectionsDestroyed = int("connections_destroyed")
        rollup.errorRate = double("error_rate")
        rollup.avgCheckoutWaitMS = double("avg_checkout_wait_ms")
        rollup.unhealthySamples = int("unhealthy_samples")
        rollup.latencySketch = sketch
        return rollup
    }

    private static func malformed(_ what: String, _ document: ExtendedJSON) -> PoolSQLError {
        PoolSQLError(.dataCorrupted, "the metrics store holds \(what)", detail: String(document.serialized.prefix(200)))
    }
}

/// ObjectIds made on the client, so the store knows the ids of an insert it may have to undo.
/// Layout as the server's: 4-byte seconds, 5 random bytes per process, 3-byte counter.
enum ObjectIDGenerator {
    private static let processBytes: [UInt8] = (0..<5).map { _ in UInt8.random(in: 0...255) }
    private static let counter = Atomic<UInt32>(UInt32.random(in: 0...0xFF_FFFF))

    static func next() -> String {
        let seconds = UInt32(truncatingIfNeeded: Int64(Date().timeIntervalSince1970))
        let count = counter.add(1, ordering: .relaxed).newValue & 0xFF_FFFF
        var bytes: [UInt8] = [UInt8(seconds >> 24), UInt8((seconds >> 16) & 0xFF), UInt8((seconds >> 8) & 0xFF), UInt8(seconds & 0xFF)]
        bytes += processBytes
        bytes += [UInt8(count >> 16), UInt8((count >> 8) & 0xFF), UInt8(count & 0xFF)]
        return bytes.map { $0 < 16 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined()
    }
}
