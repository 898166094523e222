import PoolSQLCatalog
import PoolSQLCore
import PoolSQLStore
import PoolSQLSyntax

extension Session {
    static let metricsTableName = "connection_pool_metrics"

    /// `COPY connection_pool_metrics [(columns)] FROM 'file.csv' WITH (FORMAT csv, HEADER)`:
    /// imports samples into the current metrics store, all in one append (one transaction), so
    /// a bad row — named by its line and column — imports nothing.
    ///
    /// `metric_timestamp` and `pool_name` are required; `instance_id` defaults to this engine's,
    /// `environment` and `latency_sketch` to NULL (no sketch), `health_status` to `unknown`, the
    /// numbers to 0. Samples of hours already rolled up are rolled up again by the next
    /// maintenance.
    func copyMetricsFrom(_ copy: Copy, options: CopyOptions) throws(PoolSQLError) -> QueryResult {
        let name = Session.metricsTableName
        let columns = Session.metricsSchema.columns
        let targets = try Session.metricsTargets(copy.columns, verb: "COPY")
        let records = try Session.copyRecords(copy.path, options: options, columnNames: targets.map { columns[$0].name }, table: name)
        let instanceID = engine.metricsHistory.sampler.instanceID
        var samples: [MetricsSample] = []
        samples.reserveCapacity(records.count)
        for record in records {
            let place = "COPY \(name), line \(record.line)"
            if record.fields.count < targets.count {
                throw PoolSQLError(.badCopyFileFormat, "missing data for column \"\(columns[targets[record.fields.count]].name)\"", detail: place)
            }
            if record.fields.count > targets.count {
                throw PoolSQLError(.badCopyFileFormat, "extra data after last expected column", detail: place)
            }
            var sample = MetricsSample(timestamp: Timestamp(microseconds: 0, kind: .timestamptz), poolName: "", instanceID: instanceID)
            for (field, target) in zip(record.fields, targets) {
                let column = columns[target]
                let value: Value
                if !field.quoted && field.text == options.nullText {
                    value = .null
                } else {
                    do {
                        value = try Session.assign(.text(field.text), from: .unknown, to: column, range: nil)
                    } catch {
                        throw PoolSQLError(error.code, error.message, detail: "\(place), column \(column.name): \"\(field.text)\"", hint: error.hint)
                    }
                }
                do {
                    try Session.set(column.name, of: &sample, to: value)
                } catch {
                    throw PoolSQLError(error.code, error.message, detail: "\(place), column \(column.name): \"\(field.text)\"", hint: error.hint)
                }
            }
            samples.append(sample)
        }
        try engine.metricsStore.append(samples)
        return .command("COPY \(samples.count)")
    }

    static var metricsSchema: TableSchema { TableSchema(columns: MetricsHistoryTable.columns.map(\.definition)) }

    /// Schema positions of a COPY's or INSERT's column list for `connection_pool_metrics`
    /// (every column when empty); `metric_timestamp` and `pool_name` must be among them.
    static func metricsTargets(_ names: [Ident], verb: String) throws(PoolSQLError) -> [Int] {
        let name = metricsTableName
        let schema = metricsSchema
        var targets: [Int] = []
        for column in names {
            guard let index = schema.index(of: column.value) else {
                let hint = ClosestName.find(column.value, in: schema.columnNames).map { "did you mean \"\($0)\"?" }
                throw PoolSQLError(.undefinedColumn, "column \"\(column.value)\" of relation \"\(name)\" does not exist",
                                   hint: hint, range: column.range)
            }
            if targets.contains(index) {
                throw PoolSQLError(.duplicateColumn, "column \"\(column.value)\" specified more than once", range: column.range)
            }
            targets.append(index)
        }
        if targets.isEmpty { targets = Array(schema.columns.indices) }
        for required in ["metric_timestamp", "pool_name"] where !targets.contains(where: { schema.columns[$0].name == required }) {
            throw PoolSQLError(.notNullViolation, "\(verb) \(name) needs column \"\(required)\"",
                               hint: "List it in the column list, or give every column.")
        }
        return targets
    }

    /// Stores one typed column value of `connection_pool_metrics` into a sample.
    static func set(_ column: String, of sample: inout MetricsSample, to value: Value) throws(PoolSQLError) {
        func required() -> PoolSQLError {
            PoolSQLError(.notNullViolation, "null value in column \"\(column)\" of relation \"\(metricsTableName)\" violates not-null constraint")
        }
        func integer() throws(PoolSQLError) -> Int {
            switch value {
            case .null: return 0
            case let .int(i):
                guard i >= 0, let n = Int(exactly: i) else {
                    throw PoolSQLError(.numericValueOutOfRange, "value \(i) out of range for column \"\(column)\" (counts are not negative)")
                }
                return n
            default: throw PoolSQLError(.datatypeMismatch, "column \"\(column)\" expects an integer")
            }
        }
        func double() throws(PoolSQLError) -> Double {
            switch value {
            case .null: return 0
            case let .double(d): return d
            default:
                guard let d = value.asDouble else { throw PoolSQLError(.datatypeMismatch, "column \"\(column)\" expects a number") }
                return d
            }
        }
        func text() -> String? {
            if case let .text(t) = value { return t }
            return nil
        }
        switch column {
        case "metric_timestamp":
            guard case let .timestamp(t) = value else { throw required() }
            sample.timestamp = t.with(kind: .timestamptz)
        case "pool_name":
            guard let t = text() else { throw required() }
            sample.poolName = t
        case "environment": sample.environment = text()
        case "instance_id":
            guard let t = text() else { throw required() }
            sample.instanceID = t
        case "total_connections": sample.totalConnections = try integer()
        case "active_connections": sample.activeConnections = try integer()
        case "available_connections": sample.availableConnections = try integer()
        case "pending_connections": sample.pendingConnections = try integer()
        case "wait_queue_length": sample.waitQueueLength = try integer()
        case "connection_utilization": sample.connectionUtilization = try double()
        case "avg_operation_time": sample.avgOperationTime = try double()
        case "p95_operation_time": sample.p95OperationTime = try double()
        case "p99_operation_time": sample.p99OperationTime = try double()
        case "error_rate": sample.errorRate = try double()
        case "health_status": sample.healthStatus = text() ?? "unknown"
        case "operations": sample.operations = try integer()
        case "errors": sample.errors = try integer()
        case "checkout_failures": sample.checkoutFailures = try integer()
        case "connections_created": sample.connectionsCreated = try integer()
        case "connections_destroyed": sample.connectionsDestroyed = try integer()
        case "avg_checkout_wait_ms": sample.avgCheckoutWaitMS = try double()
        case "latency_sketch": sample.latencySketch = try text().map { (t: String) throws(PoolSQLError) in try LatencySketch(encoded: t) } ?? LatencySketch()
        default:
            throw PoolSQLError(.undefinedColumn, "column \"\(column)\" of relation \"\(metricsTableName)\" does not exist")
        }
    }
}
