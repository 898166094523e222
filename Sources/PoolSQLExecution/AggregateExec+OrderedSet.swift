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
        if case let .double(f) = fraction, f >= 0, f <= 1, let selected = selectPercentile(function, f, &doubles, ascending: ascending) {
            return selected
        }
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

    /// One percentile by selecting the one or two order statistics it reads (linear time)
    /// instead of sorting: only when no key is NaN or zero, because then keys that compare
    /// equal are the same double, so every order the sort could produce holds the same values
    /// at those positions. Nil when that does not hold.
    static func selectPercentile(_ function: AggregateFunction, _ fraction: Double, _ doubles: inout [Double],
                                 ascending: Bool) -> Value? {
        let count = doubles.count
        for x in doubles where x.isNaN || x == 0 { return nil }
        // The positions `percentile` reads (in the WITHIN GROUP order), then the same positions
        // in ascending order of the keys, `first` ≤ `second`.
        let low: Int, high: Int
        if function == .percentileDisc {
            low = min(max(0, Int((fraction * Double(count)).rounded(.up)) - 1), count - 1)
            high = low
        } else {
            let position = fraction * Double(count - 1)
            low = Int(position.rounded(.down))
            high = Int(position.rounded(.up))
        }
        let first = ascending ? low : count - 1 - high
        let second = ascending ? high : count - 1 - low
        let read = { (smaller: Double, larger: Double) -> Value? in
            try? percentile(function, fraction, count: count) { position in
                (ascending ? position : count - 1 - position) == first ? .double(smaller) : .double(larger)
            }
        }
        // High or low percentiles (p95, p5) need only a few extreme values: keep the largest
        // (or smallest) few in a small sorted buffer, one comparison for most keys.
        let extremes = 32
        if count - first <= extremes {
            let top = largest(count - first, of: doubles)
            return read(top[0], top.count > 1 ? top[1] : top[0])
        }
        if second < extremes {
            let bottom = smallest(second + 1, of: doubles)
            return read(bottom[first], bottom[second])
        }
        return doubles.withUnsafeMutableBufferPointer { buffer -> Value? in
            // Hoare partitioning around a median of three until position `first` holds the value
            // an ascending sort would put there, smaller-or-equal values before it and
            // greater-or-equal after.
            var lo = 0, hi = count - 1
            while lo < hi {
                let a = buffer[lo], b = buffer[(lo + hi) / 2], c = buffer[hi]
                let pivot = a < b ? (b < c ? b : (a < c ? c : a)) : (a < c ? a : (b < c ? c : b))
                var i = lo, j = hi
                while i <= j {
                    while buffer[i] < pivot { i += 1 }
                    while buffer[j] > pivot { j -= 1 }
                    if i <= j {
                        buffer.swapAt(i, j)
                        i += 1
                        j -= 1
                    }
                }
                if first <= j { hi = j } else if first >= i { lo = i } else { break }
            }
            let smaller = buffer[first]
            var larger = smaller
            if second > first {
                larger = buffer[second]
                for k in (first + 1)..<count where buffer[k] < larger { larger = buffer[k] }
            }
            return read(smaller, larger)
        }
    }

    /// The `m` largest values in ascending order (m ≥ 1, no NaN among the values).
    static func largest(_ m: Int, of values: [Double]) -> [Double] {
        var top = Array(values.prefix(m))
        top.sort()
        // Borrowed in place: most values lose the one comparison against the smallest kept
        // value, so the loop is that comparison without bounds checks.
        top.withUnsafeMutableBufferPointer { top in
            values.withUnsafeBufferPointer { values in
                var smallestKept = top[0]
                for k in m..<values.count {
                    let x = values[k]
                    if x <= smallestKept { continue }
                    // Drop the smallest kept value and insert x in order.
                    var i = 0
                    while i + 1 < m, top[i + 1] < x {
                        top[i] = top[i + 1]
                        i += 1
                    }
                    top[i] = x
                    smallestKept = top[0]
                }
            }
        }
        return top
    }

    /// The `m` smallest values in ascending order (m ≥ 1, no NaN among the values).
    static func smallest(_ m: Int, of values: [Double]) -> [Double] {
        var bottom = Array(values.prefix(m))
        bottom.sort()
        for x in values.dropFirst(m) where x < bottom[m - 1] {
            var i = m - 1
            while i > 0, bottom[i - 1] > x {
                bottom[i] = bottom[i - 1]
                i -= 1
            }
            bottom[i] = x
        }
        return bottom
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
