import PoolSQLCore
import PoolSQLPlanner

/// The running state of one aggregate for one group. Aggregates that need every value at the
/// end (DISTINCT, ORDER BY inside the call, string_agg, array_agg, ordered-set and spread
/// aggregates) collect them; count, sum, avg, min, max and bool_and/bool_or update a running
/// total per row instead, with the same arithmetic (and so the same results and errors) as
/// computing them from the collected values.
struct AggregateAccumulator {
    /// Qualifying rows: count(*) counts every row, the other streaming aggregates their
    /// non-NULL values.
    var count: Int64 = 0
    /// sum/avg: the running total in the sum's type; min/max: the best value so far;
    /// bool_and/bool_or: the running boolean.
    var total: Value = .null
    /// Integers summed into an unconstrained NUMERIC: their running Int64 sum, not yet added
    /// to `total` (exact either way; it spills into `total` before it would overflow).
    var integerPart: Int64 = 0
    var hasIntegerPart = false
    /// The collect path.
    var collected = AggregateExec.Collected()

    /// Whether `aggregate` can be computed by running state instead of collected values.
    static func streams(_ aggregate: AggregateCall) -> Bool {
        guard !aggregate.distinct, aggregate.orderBy.isEmpty else { return false }
        switch aggregate.function {
        case .countStar: return true
        case .count, .sum, .avg, .min, .max, .boolAnd, .boolOr: return aggregate.arguments.count == 1
        default: return false
        }
    }

    /// The type avg adds its values in before dividing by the count.
    static func averageSumType(_ type: DataType) -> DataType {
        switch type {
        case .numeric, .interval: return type
        default: return .doublePrecision
        }
    }

    /// Folds one qualifying, non-NULL value into a streaming aggregate.
    mutating func add(_ value: Value, _ aggregate: AggregateCall) throws(PoolSQLError) {
        count += 1
        switch aggregate.function {
        case .sum:
            try addToTotal(value, type: aggregate.type)
        case .avg:
            try addToTotal(value, type: AggregateAccumulator.averageSumType(aggregate.type))
        case .min, .max:
            if total.isNull { total = value; return }
            let c = Value.sortCompare(value, total)
            if (aggregate.function == .min && c < 0) || (aggregate.function == .max && c > 0) { total = value }
        case .boolAnd:
            guard case let .bool(b) = value else { return }
            if case let .bool(current) = total { total = .bool(current && b) } else { total = .bool(b) }
        case .boolOr:
            guard case let .bool(b) = value else { return }
            if case let .bool(current) = total { total = .bool(current || b) } else { total = .bool(b) }
        default:
            return
        }
    }

    /// `total + value` in `type`, as `AggregateExec.sum` adds: integers into BIGINT with
    /// overflow checks, doubles in Double, everything else through `Value.arithmetic`.
    private mutating func addToTotal(_ value: Value, type: DataType) throws(PoolSQLError) {
        switch (total, value) {
        case let (.int(a), .int(b)) where type == .bigint:
            let (s, overflow) = a.addingReportingOverflow(b)
            if !overflow { total = .int(s); return }
        case let (.double(a), .double(b)) where type == .doublePrecision:
            let s = a + b
            if s.isFinite { total = .double(s); return }
        case let (_, .int(b)) where type == .numeric(precision: nil, scale: nil):
            let (s, overflow) = integerPart.addingReportingOverflow(b)
            if !overflow {
                integerPart = s
                hasIntegerPart = true
                return
            }
            try settleIntegerPart(type: type)
            integerPart = b
            hasIntegerPart = true
            return
        default:
            break
        }
        let converted = try value.cast(to: type)
        total = total.isNull ? converted : try Value.arithmetic(.add, total, converted, resultType: type)
    }

    /// Adds the pending integer sum to `total` (integers in NUMERIC have scale 0, so adding
    /// them now or one by one gives the same exact value and scale).
    private mutating func settleIntegerPart(type: DataType) throws(PoolSQLError) {
        guard hasIntegerPart else { return }
        let part = Value.numeric(SQLNumeric(integerPart))
        total = total.isNull ? part : try Value.arithmetic(.add, total, part, resultType: type)
        integerPart = 0
        hasIntegerPart = false
    }

    /// The result of a streaming aggregate.
    func finish(_ aggregate: AggregateCall) throws(PoolSQLError) -> Value {
        var state = self
        if aggregate.function == .sum || aggregate.function == .avg {
            try state.settleIntegerPart(type: aggregate.type)
        }
        let total = state.total
        switch aggregate.function {
        case .countStar, .count:
            return .int(count)
        case .sum, .min, .max:
            return total
        case .avg:
            if count == 0 { return .null }
            switch aggregate.type {
            case .numeric:
                return try Value.arithmetic(.divide, total, .int(count), resultType: aggregate.type)
            case .interval:
                return try Value.arithmetic(.divide, total, .int(count), resultType: .interval)
            default:
                return try Value.arithmetic(.divide, total, .double(Double(count)), resultType: .doublePrecision)
            }
        case .boolAnd, .boolOr:
            // Non-NULL values were seen; PostgreSQL's result is the fold of them.
            if count == 0 { return .null }
            if total.isNull { return .bool(aggregate.function == .boolAnd) }
            return total
        default:
            return .null
        }
    }
}
