import Foundation
import PoolSQLCore
import PoolSQLPlanner

/// GROUP BY with aggregates: hashes rows into groups (kept in first-seen order), collects each
/// aggregate's qualifying argument rows per group, then computes the results. Without GROUP BY
/// an empty input still yields one row (`count(*)` = 0, other aggregates NULL).
public struct AggregateExec: PhysicalOperator {
    public let groups: [BoundExpr]
    public let aggregates: [AggregateCall]
    public let columns: [PlanColumn]
    public let input: any PhysicalOperator

    /// A two-expression GROUP BY key; equal exactly when `[first, second]` arrays would be.
    struct PairKey: Hashable {
        let first: Value
        let second: Value
    }

    /// What one aggregate has collected for one group: argument values and sort keys.
    struct Collected {
        var rows: [(arguments: [Value], keys: [Value])] = []
        var seen: Set<[Value]> = []
        /// Ordered-set aggregates keep only each row's WITHIN GROUP key (NULLs included)…
        var orderedKeys: [Value] = []
        /// …and the fraction argument while every row has the same one; `fractions` holds one
        /// per row only once they differ (the result then takes the first sorted row's).
        var fraction: Value?
        var fractions: [Value] = []
    }

    public func execute(_ context: ExecutionContext) throws(PoolSQLError) -> [[Value]] {
        let rows = try input.execute(context)
        let width = aggregates.count
        let streaming = aggregates.map(AggregateAccumulator.streams)
        // One accumulator per (group, aggregate), group-major: states[group * width + a].
        var states: [AggregateAccumulator] = []
        var groupKeys: [[Value]] = []
        // One GROUP BY expression (the common case) hashes its value, not a one-element array.
        var singleKeyIndex: [Value: Int] = [:]
        // Two (per pool and hour, the usual dashboard grouping) hash a pair: no array per row.
        var pairKeyIndex: [PairKey: Int] = [:]
        var groupIndex: [[Value]: Int] = [:]
        if groups.isEmpty {
            groupKeys.append([])
            states.append(contentsOf: repeatElement(AggregateAccumulator(), count: width))
        }
        for row in rows {
            let index: Int
            if groups.isEmpty {
                index = 0
            } else if groups.count == 1 {
                let value = try groups[0].evaluate(row: row, context: context)
                if let existing = singleKeyIndex[value] {
                    index = existing
                } else {
                    index = groupKeys.count
                    singleKeyIndex[value] = index
                    groupKeys.append([value])
                    states.append(contentsOf: repeatElement(AggregateAccumulator(), count: width))
                }
            } else if groups.count == 2 {
                let pair = PairKey(first: try groups[0].evaluate(row: row, context: context),
                                   second: try groups[1].evaluate(row: row, context: context))
                if let existing = pairKeyIndex[pair] {
                    index = existing
                } else {
                    index = groupKeys.count
                    pairKeyIndex[pair] = index
                    groupKeys.append([pair.first, pair.second])
                    states.append(contentsOf: repeatElement(AggregateAccumulator(), count: width))
                }
            } else {
                var key: [Value] = []
                key.reserveCapacity(groups.count)
                for g in groups { key.append(try g.evaluate(row: row, context: context)) }
                if let existing = groupIndex[key] {
                    index = existing
                } else {
                    index = groupKeys.count
                    groupIndex[key] = index
                    groupKeys.append(key)
                    states.append(contentsOf: repeatElement(AggregateAccumulator(), count: width))
                }
            }
            let base = index * width
            for a in 0..<width {
                let aggregate = aggregates[a]
                if let filter = aggregate.filter, !(try filter.isSatisfied(row: row, context: context)) { continue }
                if streaming[a] {
                    if aggregate.function == .countStar { states[base + a].count += 1; continue }
                    // The streaming aggregates take one argument and skip NULLs.
                    let value = try aggregate.arguments[0].evaluate(row: row, context: context)
                    if value.isNull { continue }
                    try states[base + a].add(value, aggregate)
                    continue
                }
                if AggregateExec.isOrderedSet(aggregate.function) {
                    try AggregateExec.collectOrderedSet(aggregate, row: row, context: context, into: &states[base + a].collected)
                    continue
                }
                var arguments: [Value] = []
                for e in aggregate.arguments { arguments.append(try e.evaluate(row: row, context: context)) }
                // Aggregates other than count(*) skip rows whose (first) argument is NULL.
                // (array_agg keeps NULL elements.)
                if aggregate.function != .countStar, aggregate.function != .arrayAgg, arguments.first?.isNull ?? false { continue }
                if aggregate.distinct, !states[base + a].collected.seen.insert(arguments).inserted { continue }
                var keys: [Value] = []
                for k in aggregate.orderBy { keys.append(try k.expr.evaluate(row: row, context: context)) }
                states[base + a].collected.rows.append((arguments, keys))
            }
        }
        try context.checkCancellation()
        var out: [[Value]] = []
        out.reserveCapacity(groupKeys.count)
        for (index, key) in groupKeys.enumerated() {
            var row = key
            row.reserveCapacity(key.count + width)
            for (a, aggregate) in aggregates.enumerated() {
                let state = states[index * width + a]
                row.append(streaming[a] ? try state.finish(aggregate) : try AggregateExec.finish(aggregate, state.collected))
            }
            out.append(row)
        }
        return out
    }

    static func finish(_ aggregate: AggregateCall, _ collected: Collected) throws(PoolSQLError) -> Value {
        if isOrderedSet(aggregate.function) {
            if collected.fractions.isEmpty { return try finishOrderedSet(aggregate, collected) }
            // Differing fractions: sort whole rows, as the general path does.
            var general = Collected()
            general.rows.reserveCapacity(collected.orderedKeys.count)
            for (fraction, key) in zip(collected.fractions, collected.orderedKeys) { general.rows.append(([fraction], [key])) }
            return try finishCollected(aggregate, general)
        }
        return try finishCollected(aggregate, collected)
    }

    static func finishCollected(_ aggregate: AggregateCall, _ collected: Collected) throws(PoolSQLError) -> Value {
        var rows = collected.rows
        if !aggregate.orderBy.isEmpty {
            let keys = aggregate.orderBy
            rows = rows.enumerated().sorted { a, b in
                for (i, key) in keys.enumerated() {
                    let c = SortExec.compare(a.element.keys[i], b.element.keys[i], key)
                    if c != 0 { return c < 0 }
                }
                return a.offset < b.offset
            }.map(\.element)
        }
        var values: [Value] = []
        values.reserveCapacity(rows.count)
        for row in rows where !row.arguments.isEmpty { values.append(row.arguments[0]) }
        switch aggregate.function {
        case .countStar:
            return .int(Int64(rows.count))
        case .count:
            return .int(Int64(values.count))
        case .sum:
            return try sum(values, type: aggregate.type)
        case .avg:
            if values.isEmpty { return .null }
            switch aggregate.type {
            case .numeric:
                let total = try sum(values, type: aggregate.type)
                return try Value.arithmetic(.divide, total, .int(Int64(values.count)), resultType: aggregate.type)
            case .interval:
                return try Value.arithmetic(.divide, try sum(values, type: .interval), .int(Int64(values.count)), resultType: .interval)
            default:
                let total = try sum(values, type: .doublePrecision)
                return try Value.arithmetic(.divide, total, .double(Double(values.count)), resultType: .doublePrecision)
            }
        case .min, .max:
            var best: Value = .null
            for v in values {
                if best.isNull { best = v; continue }
                let c = Value.sortCompare(v, best)
                if (aggregate.function == .min && c < 0) || (aggregate.function == .max && c > 0) { best = v }
            }
            return best
        case .stringAgg:
            if rows.isEmpty { return .null }
            var text = ""
            for (i, row) in rows.enumerated() {
                if i > 0, row.arguments.count > 1, case let .text(delimiter) = row.arguments[1] { text += delimiter }
                if case let .text(s) = row.arguments[0] { text += s }
            }
            return .text(text)
        case .stddevSamp, .stddevPop, .varSamp, .varPop:
            return try AggregateExec.spread(aggregate.function, values, type: aggregate.type)
        case .percentileCont, .percentileDisc, .mode:
            return try AggregateExec.orderedSet(aggregate, rows)
        case .arrayAgg:
            return rows.isEmpty ? .null : .array(rows.map { $0.arguments.first ?? .null })
        case .sketchPercentile:
            return try sketchPercentile(rows)
        case .boolAnd, .boolOr:
            if values.isEmpty { return .null }
            let bools = values.compactMap { v -> Bool? in if case let .bool(b) = v { return b } else { return nil } }
            return .bool(aggregate.function == .boolAnd ? bools.allSatisfy { $0 } : bools.contains(true))
        }
    }

    /// Adds the values in the result type (integers into BIGINT with overflow checks, BIGINT
    /// into NUMERIC, …); NULL when there are none.
    static func sum(_ values: [Value], type: DataType) throws(PoolSQLError) -> Value {
        var total: Value = .null
        for v in values {
            let converted = try v.cast(to: type)
            total = total.isNull ? converted : try Value.arithmetic(.add, total, converted, resultType: type)
        }
        return total
    }

    /// Variance and standard deviation as PostgreSQL computes them: Youngs–Cramer
    /// accumulation for doubles; for numerics (N·Σx² − (Σx)²) / (N·(N−1)) at PostgreSQL's
    /// division scale, and the square root at that same scale.
    static func spread(_ function: AggregateFunction, _ values: [Value], type: DataType) throws(PoolSQLError) -> Value {
        let sample = function == .stddevSamp || function == .varSamp
        let root = function == .stddevSamp || function == .stddevPop
        if values.isEmpty || (sample && values.count < 2) { return .null }
        if type == .doublePrecision {
            var n = 0.0, sx = 0.0, sxx = 0.0
            for v in values {
                guard let x = v.asDouble else { continue }
                n += 1
                sx += x
                if n > 1 {
                    let tmp = x * n - sx
                    sxx += tmp * tmp / (n * (n - 1))
                }
            }
            let variance = sxx / (sample ? n - 1 : n)
            return .double(root ? variance.squareRoot() : variance)
        }
        var sum = Decimal(0), sumSquares = Decimal(0)
        var scale = 0
        for v in values {
            guard let x = v.asNumeric else { continue }
            sum += x.value
            sumSquares += x.value * x.value
            scale = max(scale, x.scale)
        }
        let n = Decimal(values.count)
        let numerator = SQLNumeric(n * sumSquares - sum * sum, scale: scale * 2)
        if numerator.value <= 0 { return .numeric(SQLNumeric(0)) }
        let denominator = SQLNumeric(sample ? n * (n - 1) : n * n, scale: 0)
        let rscale = SQLNumeric.divisionScale(numerator, denominator)
        let variance = SQLNumeric(numerator.value / denominator.value, scale: rscale).rounded(toPlaces: rscale)
        guard root else { return .numeric(variance) }
        return .numeric(SQLNumeric(decimalSquareRoot(variance.value), scale: rscale).rounded(toPlaces: rscale))
    }

    /// Newton's method in Decimal arithmetic (38 significant digits), from a Double guess.
    static func decimalSquareRoot(_ v: Decimal) -> Decimal {
        if v <= 0 { return 0 }
        var x = Decimal(NSDecimalNumber(decimal: v).doubleValue.squareRoot())
        if x <= 0 { x = v }
        for _ in 0..<8 { x = (x + v / x) / 2 }
        return x
    }

    /// Ordered-set aggregates over rows already sorted by their WITHIN GROUP key; rows whose
    /// key is NULL do not count; the fraction is the first sorted row's.
    static func orderedSet(_ aggregate: AggregateCall, _ rows: [(arguments: [Value], keys: [Value])]) throws(PoolSQLError) -> Value {
        var values: [Value] = []
        values.reserveCapacity(rows.count)
        for row in rows { if let key = row.keys.first, !key.isNull { values.append(key) } }
        return try orderedSet(aggregate, values: values, fraction: rows.first?.arguments.first)
    }

    /// Ordered-set aggregates over the sorted, non-NULL keys.
    static func orderedSet(_ aggregate: AggregateCall, values: [Value], fraction: Value?) throws(PoolSQLError) -> Value {
        if aggregate.function == .mode {
            // The most frequent value; among equally frequent ones the first in sort order.
            var best: Value = .null, bestCount = 0, current: Value = .null, count = 0
            for v in values {
                if !current.isNull, v.isNotDistinct(from: current) { count += 1 } else { current = v; count = 1 }
                if count > bestCount { best = current; bestCount = count }
            }
            return best
        }
        guard !values.isEmpty, let fraction else { return .null }
        return try percentiles(aggregate.function, fraction, count: values.count) { values[$0] }
    }

    /// One percentile of `count` sorted, non-NULL values, read through `value`.
    static func percentile(_ function: AggregateFunction, _ fraction: Double, count: Int,
                           at value: (Int) -> Value) throws(PoolSQLError) -> Value {
        guard fraction >= 0, fraction <= 1 else {
            throw PoolSQLError(.numericValueOutOfRange, "percentile value \(Value.formatDouble(fraction)) is not between 0 and 1")
        }
        if function == .percentileDisc {
            let index = max(0, Int((fraction * Double(count)).rounded(.up)) - 1)
            return value(min(index, count - 1))
        }
        let position = fraction * Double(count - 1)
        let lower = Int(position.rounded(.down)), upper = Int(position.rounded(.up))
        let weight = position - Double(lower)
        let low = value(lower), high = value(upper)
        if lower == upper { return low }
        switch (low, high) {
        case let (.interval(a), .interval(b)):
            let delta = try b.adding(a.negated()).multiplied(by: weight)
            return .interval(try a.adding(delta))
        default:
            guard let a = low.asDouble, let b = high.asDouble else { return .null }
            return .double(a + weight * (b - a))
        }
    }
}
