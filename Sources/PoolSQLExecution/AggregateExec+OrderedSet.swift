import PoolSQLCore
import PoolSQLPlanner

/// percentile_cont, percentile_disc and mode collect only their WITHIN GROUP keys and sort
/// those (doubles as a contiguous [Double]) instead of sorting (arguments, keys) row tuples.
extension AggregateExec {
    static func isOrderedSet(_ function: AggregateFunction) -> Bool {
        function == .percentileCont || function == .percentileDisc || function == .mode
    }

    /// Records one qualifying row: rows whose fraction is NULL do not count (as for every
    /// aggregate whose first argument is NULL).
    static func collectOrderedSet(_ aggregate: AggregateCall, row: [Value], context: ExecutionContext,
                                  into collected: inout Collected) throws(PoolSQLError) {
        var fraction: Value?
        if let argument = aggregate.arguments.first {
            let value = try argument.evaluate(row: row, context: context)
            if value.isNull { return }
            fraction = value
        }
        let key: Value = aggregate.orderBy.isEmpty ? .null : try aggregate.orderBy[0].expr.evaluate(row: row, context: context)
        if let fraction {
            if collected.orderedKeys.isEmpty {
                collected.fraction = fraction
            } else if !collected.fractions.isEmpty {
                collected.fractions.append(fraction)
            } else if let first = collected.fraction, first != fraction {
                collected.fractions = Array(repeating: first, count: collected.orderedKeys.count)
                collected.fractions.append(fraction)
            }
        }
        collected.orderedKeys.append(key)
    }

    /// The result from the collected keys when every row had the same fraction: the non-NULL
    /// keys sorted stably in the WITHIN GROUP order, then `orderedSet`'s arithmetic.
    static func finishOrderedSet(_ aggregate: AggregateCall, _ collected: Collected) throws(PoolSQLError) -> Value {
        guard let sortKey = aggregate.orderBy.first else { return .null }
        var values: [Value] = []
        values.reserveCapacity(collected.orderedKeys.count)
        var doubles: [Double] = []
        var allDoubles = aggregate.function != .mode
        for key in collected.orderedKeys where !key.isNull {
            values.append(key)
            if allDoubles {
                if case let .double(d) = key { doubles.append(d) } else { allDoubles = false }
            }
        }
        if values.isEmpty { return .null }
        if aggregate.function == .mode {
            values.sort { SortExec.compare($0, $1, sortKey) < 0 }
            return try orderedSet(aggregate, values: values, fraction: nil)
        }
        guard let fraction = collected.fraction else { return .null }
        if allDoubles { return try percentiles(aggregate.function, fraction, doubles: &doubles, ascending: sortKey.ascending) }
        values.sort { SortExec.compare($0, $1, sortKey) < 0 }
        return try percentiles(aggregate.function, fraction, count: values.count) { values[$0] }
    }

    /// percentile_cont/percentile_disc of non-NULL double keys (in input order; sorted here).
    /// The columnar aggregate shares this, so both paths give bit-identical results.
    static func percentiles(_ function: AggregateFunction, _ fraction: Value, doubles: inout [Double],
                            ascending: Bool) throws(PoolSQLError) -> Value {
        if doubles.isEmpty { return .null }
        // NaN sorts after every number, as Value.sortCompare orders doubles; the sort is
        // stable, so equal keys (0 and -0) keep their input order as in the Value sort.
        if ascending {
            doubles.sort { a, b in b.isNaN ? !a.isNaN : (!a.isNaN && a < b) }
        } else {
            doubles.sort { a, b in a.isNaN ? !b.isNaN : (!b.isNaN && a > b) }
        }
        let sorted = doubles
        return try percentiles(function, fraction, count: sorted.count) { .double(sorted[$0]) }
    }

    /// `fraction` (a double or an array of them) applied to `count` sorted values.
    static func percentiles(_ function: AggregateFunction, _ fraction: Value, count: Int,
                            at value: (Int) -> Value) throws(PoolSQLError) -> Value {
        switch fraction {
        case let .double(f):
            return try percentile(function, f, count: count, at: value)
        case let .array(fractions):
            // An array of fractions gives the array of their percentiles (NULL stays NULL).
            var out: [Value] = []
            for element in fractions {
                guard case let .double(f) = element else { out.append(.null); continue }
                out.append(try percentile(function, f, count: count, at: value))
            }
            return .array(out)
        default:
            return .null
        }
    }
}
