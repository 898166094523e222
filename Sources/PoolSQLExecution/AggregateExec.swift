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

    /// What one aggregate has collected for one group: argument values and sort keys.
    struct Collected {
        var rows: [(arguments: [Value], keys: [Value])] = []
        var seen: Set<[Value]> = []
    }

    public func execute(_ context: ExecutionContext) throws(PoolSQLError) -> [[Value]] {
        let rows = try input.execute(context)
        var groupIndex: [[Value]: Int] = [:]
        var groupKeys: [[Value]] = []
        var collected: [[Collected]] = []
        if groups.isEmpty {
            groupIndex[[]] = 0
            groupKeys.append([])
            collected.append(Array(repeating: Collected(), count: aggregates.count))
        }
        for row in rows {
            var key: [Value] = []
            for g in groups { key.append(try g.evaluate(row: row, context: context)) }
            let index: Int
            if let existing = groupIndex[key] {
                index = existing
            } else {
                index = groupKeys.count
                groupIndex[key] = index
                groupKeys.append(key)
                collected.append(Array(repeating: Collected(), count: aggregates.count))
            }
            for (a, aggregate) in aggregates.enumerated() {
                if let filter = aggregate.filter, !(try filter.isSatisfied(row: row, context: context)) { continue }
                var arguments: [Value] = []
                for e in aggregate.arguments { arguments.append(try e.evaluate(row: row, context: context)) }
                // Aggregates other than count(*) skip rows whose (first) argument is NULL.
                // (array_agg keeps NULL elements.)
                if aggregate.function != .countStar, aggregate.function != .arrayAgg, arguments.first?.isNull ?? false { continue }
                if aggregate.distinct, !collected[index][a].seen.insert(arguments).inserted { continue }
                var keys: [Value] = []
                for k in aggregate.orderBy { keys.append(try k.expr.evaluate(row: row, context: context)) }
                collected[index][a].rows.append((arguments, keys))
            }
        }
        try context.checkCancellation()
        var out: [[Value]] = []
        out.reserveCapacity(groupKeys.count)
        for (index, key) in groupKeys.enumerated() {
            var row = key
            for (a, aggregate) in aggregates.enumerated() {
                row.append(try AggregateExec.finish(aggregate, collected[index][a]))
            }
            out.append(row)
        }
        return out
    }

    static func finish(_ aggregate: AggregateCall, _ collected: Collected) throws(PoolSQLError) -> Value {
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
        let values = rows.compactMap(\.arguments.first)
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
    /// key is NULL do not count.
    static func orderedSet(_ aggregate: AggregateCall, _ rows: [(arguments: [Value], keys: [Value])]) throws(PoolSQLError) -> Value {
        let values = rows.compactMap { $0.keys.first }.filter { !$0.isNull }
        if aggregate.function == .mode {
            // The most frequent value; among equally frequent ones the first in sort order.
            var best: Value = .null, bestCount = 0, current: Value = .null, count = 0
            for v in values {
                if !current.isNull, v.isNotDistinct(from: current) { count += 1 } else { current = v; count = 1 }
                if count > bestCount { best = current; bestCount = count }
            }
            return best
        }
        guard !values.isEmpty, let argument = rows.first?.arguments.first else { return .null }
        switch argument {
        case let .double(fraction):
            return try percentile(aggregate.function, fraction, of: values)
        case let .array(fractions):
            // An array of fractions gives the array of their percentiles (NULL stays NULL).
            var out: [Value] = []
            for f in fractions {
                guard case let .double(fraction) = f else { out.append(.null); continue }
                out.append(try percentile(aggregate.function, fraction, of: values))
            }
            return .array(out)
        default:
            return .null
        }
    }

    /// One percentile of the sorted, non-NULL `values`.
    static func percentile(_ function: AggregateFunction, _ fraction: Double, of values: [Value]) throws(PoolSQLError) -> Value {
        guard fraction >= 0, fraction <= 1 else {
            throw PoolSQLError(.numericValueOutOfRange, "percentile value \(Value.formatDouble(fraction)) is not between 0 and 1")
        }
        if function == .percentileDisc {
            let index = max(0, Int((fraction * Double(values.count)).rounded(.up)) - 1)
            return values[min(index, values.count - 1)]
        }
        let position = fraction * Double(values.count - 1)
        let lower = Int(position.rounded(.down)), upper = Int(position.rounded(.up))
        let weight = position - Double(lower)
        let low = values[lower], high = values[upper]
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
