import PoolSQLCatalog
import PoolSQLCore
import PoolSQLPlanner

/// GROUP BY straight over a table scan, computed on typed values: each row's GROUP BY values
/// become a fixed-width integer key (`GroupKeyTable`) and the aggregates update per-group
/// Int64/Double running state read out of the row without building `Value` keys, argument
/// arrays or per-row accumulators. The physical planner chooses it only for plan shapes and
/// expression kinds it covers (see `ColumnarAggregateExec+Planning.swift`); anything it meets at
/// run time that it does not handle exactly as the row path would (a value of an unexpected
/// type, an integer sum that would overflow, a non-finite double sum, NaN in MIN/MAX, an
/// unknown `date_trunc` unit) makes it hand the whole query to the row-at-a-time
/// `AggregateExec`, which gives the answer or the error. Results, group order (first seen) and
/// errors are the row path's.
public struct ColumnarAggregateExec: PhysicalOperator {
    /// One GROUP BY expression, reading a column of the scan's output by position.
    enum KeyPart: Sendable {
        case integer(Int)
        case boolean(Int)
        case text(Int)
        case timestamp(Int, rekind: Timestamp.Kind?)
        /// `date_trunc(unit, column)`; `type` is the result type (timestamp or timestamptz).
        case dateTrunc(Int, unit: String, type: DataType)
    }

    /// One aggregate call, reading a column of the scan's output by position.
    enum Measure: Sendable {
        case countStar
        case count(Int)
        case sumIntegers(Int)
        case avgIntegers(Int)
        case sumDoubles(Int)
        case avgDoubles(Int)
        case minIntegers(Int)
        case maxIntegers(Int)
        case minDoubles(Int)
        case maxDoubles(Int)
        /// percentile_cont/percentile_disc(fraction) WITHIN GROUP (ORDER BY a double column).
        case percentile(Int, fraction: BoundExpr, ascending: Bool)
    }

    /// Per-group running state of one measure, group-indexed.
    struct MeasureState {
        var counts: [Int64] = []
        var integers: [Int64] = []
        var doubles: [Double] = []
        var lists: [[Double]] = []
    }

    let rowPath: AggregateExec
    let scan: TableScan
    let keyParts: [KeyPart]
    let measures: [Measure]

    public var columns: [PlanColumn] { rowPath.columns }

    public func execute(_ context: ExecutionContext) throws(PoolSQLError) -> [[Value]] {
        if let rows = try executeTyped(context) { return rows }
        return try rowPath.execute(context)
    }

    /// The result, or nil when the row path has to compute it.
    func executeTyped(_ context: ExecutionContext) throws(PoolSQLError) -> [[Value]]? {
        try context.checkCancellation()
        // A memory table's own rows are read in place (no projected copy per row); other
        // providers answer the scan request as usual.
        let rows: [[Value]]
        let positions: [Int]
        if let memory = scan.provider as? MemoryTable, scan.filters.isEmpty, scan.limit == nil {
            rows = memory.rows
            positions = scan.outputIndices
            let width = memory.schema.columns.count
            if rows.contains(where: { $0.count != width }) { return nil }
        } else {
            rows = try scan.provider.scan(scan.request)
            positions = Array(0..<scan.outputIndices.count)
            if rows.contains(where: { $0.count != positions.count }) { return nil }
        }
        let keys = keyParts.map { $0.reading(positions) }
        let reads = measures.map { $0.reading(positions) }
        var fractions: [Value] = []
        for measure in reads {
            guard case let .percentile(_, fractionExpr, _) = measure else { fractions.append(.null); continue }
            // The fraction is a constant; one that is NULL or fails is the row path's to report.
            guard let fraction = try? fractionExpr.evaluate(row: [], context: context) else { return nil }
            switch fraction {
            case .double, .array: fractions.append(fraction)
            default: return nil
            }
        }

        let width = keys.count + 1
        var table = GroupKeyTable(width: width)
        var representatives: [Value] = []
        var states = Array(repeating: MeasureState(), count: reads.count)
        var groupCount = 0
        let key = UnsafeMutableBufferPointer<UInt64>.allocate(capacity: width)
        defer { key.deallocate() }
        key.initialize(repeating: 0)
        var dictionary: [String: UInt64] = [:]

        func addGroup() {
            groupCount += 1
            for m in states.indices {
                switch reads[m] {
                case .percentile: states[m].lists.append([])
                case .sumDoubles, .avgDoubles, .minDoubles, .maxDoubles: states[m].doubles.append(0)
                case .sumIntegers, .avgIntegers, .minIntegers, .maxIntegers: states[m].integers.append(0)
                case .countStar, .count: break
                }
                states[m].counts.append(0)
            }
        }
        if keys.isEmpty { addGroup() }

        for (r, row) in rows.enumerated() {
            if r & 0xFFFF == 0xFFFF { try context.checkCancellation() }
            var group = 0
            if !keys.isEmpty {
                var nulls: UInt64 = 0
                for (i, part) in keys.enumerated() {
                    switch part {
                    case let .integer(p):
                        switch row[p] {
                        case let .int(x): key[i] = UInt64(bitPattern: x)
                        case .null: key[i] = 0; nulls |= 1 << UInt64(i)
                        default: return nil
                        }
                    case let .boolean(p):
                        switch row[p] {
                        case let .bool(b): key[i] = b ? 1 : 0
                        case .null: key[i] = 0; nulls |= 1 << UInt64(i)
                        default: return nil
                        }
                    case let .text(p):
                        switch row[p] {
                        case let .text(s):
                            if let id = dictionary[s] {
                                key[i] = id
                            } else {
                                let id = UInt64(dictionary.count)
                                dictionary[s] = id
                                key[i] = id
                            }
                        case .null: key[i] = 0; nulls |= 1 << UInt64(i)
                        default: return nil
                        }
                    case let .timestamp(p, _):
                        switch row[p] {
                        case let .timestamp(t): key[i] = UInt64(bitPattern: t.microseconds)
                        case .null: key[i] = 0; nulls |= 1 << UInt64(i)
                        default: return nil
                        }
                    case let .dateTrunc(p, unit, type):
                        switch row[p] {
                        case let .timestamp(t):
                            guard let truncated = try? ScalarFunction.truncatedMicroseconds(t.microseconds, unit: unit, type: type) else { return nil }
                            key[i] = UInt64(bitPattern: truncated)
                        case .null: key[i] = 0; nulls |= 1 << UInt64(i)
                        default: return nil
                        }
                    }
                }
                key[keys.count] = nulls
                let found = table.group(of: key)
                group = found.group
                if found.isNew {
                    for (i, part) in keys.enumerated() {
                        representatives.append(part.representative(row: row, key: key[i], isNull: nulls & (1 << UInt64(i)) != 0))
                    }
                    addGroup()
                }
            }
            for m in reads.indices {
                switch reads[m] {
                case .countStar:
                    states[m].counts[group] += 1
                case let .count(p):
                    if !row[p].isNull { states[m].counts[group] += 1 }
                case let .sumIntegers(p), let .avgIntegers(p):
                    switch row[p] {
                    case let .int(x):
                        let (sum, overflow) = states[m].integers[group].addingReportingOverflow(x)
                        if overflow { return nil }
                        states[m].integers[group] = sum
                        states[m].counts[group] += 1
                    case .null: break
                    default: return nil
                    }
                case let .minIntegers(p), let .maxIntegers(p):
                    switch row[p] {
                    case let .int(x):
                        let isMin: Bool
                        if case .minIntegers = reads[m] { isMin = true } else { isMin = false }
                        let best = states[m].integers[group]
                        if states[m].counts[group] == 0 || (isMin ? x < best : x > best) { states[m].integers[group] = x }
                        states[m].counts[group] += 1
                    case .null: break
                    default: return nil
                    }
                case let .sumDoubles(p), let .avgDoubles(p):
                    switch row[p] {
                    case let .double(x):
                        // The row path starts from the first value (so -0 stays -0) and adds in
                        // input order; non-finite sums are left to it.
                        let sum = states[m].counts[group] == 0 ? x : states[m].doubles[group] + x
                        if !sum.isFinite { return nil }
                        states[m].doubles[group] = sum
                        states[m].counts[group] += 1
                    case .null: break
                    default: return nil
                    }
                case let .minDoubles(p), let .maxDoubles(p):
                    switch row[p] {
                    case let .double(x):
                        if x.isNaN { return nil }
                        let isMin: Bool
                        if case .minDoubles = reads[m] { isMin = true } else { isMin = false }
                        let best = states[m].doubles[group]
                        if states[m].counts[group] == 0 || (isMin ? x < best : x > best) { states[m].doubles[group] = x }
                        states[m].counts[group] += 1
                    case .null: break
                    default: return nil
                    }
                case let .percentile(p, _, _):
                    switch row[p] {
                    case let .double(x): states[m].lists[group].append(x)
                    case .null: break
                    default: return nil
                    }
                }
            }
        }
        try context.checkCancellation()
        return try finish(groupCount: groupCount, keyCount: keys.count, representatives: representatives,
                          states: &states, fractions: fractions)
    }

    /// One output row per group: its GROUP BY values, then each aggregate's result computed
    /// with the row path's arithmetic.
    func finish(groupCount: Int, keyCount: Int, representatives: [Value], states: inout [MeasureState],
                fractions: [Value]) throws(PoolSQLError) -> [[Value]] {
        var out: [[Value]] = []
        out.reserveCapacity(groupCount)
        for group in 0..<groupCount {
            var row: [Value] = []
            row.reserveCapacity(keyCount + measures.count)
            row.append(contentsOf: representatives[(group * keyCount)..<(group * keyCount + keyCount)])
            for m in measures.indices {
                let aggregate = rowPath.aggregates[m]
                let count = states[m].counts[group]
                switch measures[m] {
                case .countStar, .count:
                    row.append(.int(count))
                case .sumIntegers:
                    if count == 0 { row.append(.null); continue }
                    let sum = states[m].integers[group]
                    row.append(aggregate.type == .bigint ? .int(sum) : .numeric(SQLNumeric(sum)))
                case .avgIntegers:
                    if count == 0 { row.append(.null); continue }
                    row.append(try Value.arithmetic(.divide, .numeric(SQLNumeric(states[m].integers[group])), .int(count),
                                                    resultType: aggregate.type))
                case .minIntegers, .maxIntegers:
                    row.append(count == 0 ? .null : .int(states[m].integers[group]))
                case .sumDoubles, .minDoubles, .maxDoubles:
                    row.append(count == 0 ? .null : .double(states[m].doubles[group]))
                case .avgDoubles:
                    if count == 0 { row.append(.null); continue }
                    row.append(try Value.arithmetic(.divide, .double(states[m].doubles[group]), .double(Double(count)),
                                                    resultType: .doublePrecision))
                case let .percentile(_, _, ascending):
                    var values = states[m].lists[group]
                    states[m].lists[group] = []
                    row.append(try AggregateExec.percentiles(aggregate.function, fractions[m], doubles: &values, ascending: ascending))
                }
            }
            out.append(row)
        }
        return out
    }
}

extension ColumnarAggregateExec.KeyPart {
    /// The same part reading physical row position `positions[p]` instead of output column `p`.
    func reading(_ positions: [Int]) -> Self {
        switch self {
        case let .integer(p): return .integer(positions[p])
        case let .boolean(p): return .boolean(positions[p])
        case let .text(p): return .text(positions[p])
        case let .timestamp(p, rekind): return .timestamp(positions[p], rekind: rekind)
        case let .dateTrunc(p, unit, type): return .dateTrunc(positions[p], unit: unit, type: type)
        }
    }

    /// The group's value of this part, as the row path's first row of the group shows it.
    func representative(row: [Value], key: UInt64, isNull: Bool) -> Value {
        if isNull { return .null }
        switch self {
        case let .integer(p), let .boolean(p), let .text(p):
            return row[p]
        case let .timestamp(p, rekind):
            // The scan marks date and timestamptz columns' instants with their column's type.
            if let rekind, case let .timestamp(t) = row[p], t.kind != rekind { return .timestamp(t.with(kind: rekind)) }
            return row[p]
        case let .dateTrunc(_, _, type):
            return .timestamp(Timestamp(microseconds: Int64(bitPattern: key), kind: type == .timestamptz ? .timestamptz : .timestamp))
        }
    }
}

extension ColumnarAggregateExec.Measure {
    /// The same measure reading physical row position `positions[p]` instead of output column `p`.
    func reading(_ positions: [Int]) -> Self {
        switch self {
        case .countStar: return .countStar
        case let .count(p): return .count(positions[p])
        case let .sumIntegers(p): return .sumIntegers(positions[p])
        case let .avgIntegers(p): return .avgIntegers(positions[p])
        case let .sumDoubles(p): return .sumDoubles(positions[p])
        case let .avgDoubles(p): return .avgDoubles(positions[p])
        case let .minIntegers(p): return .minIntegers(positions[p])
        case let .maxIntegers(p): return .maxIntegers(positions[p])
        case let .minDoubles(p): return .minDoubles(positions[p])
        case let .maxDoubles(p): return .maxDoubles(positions[p])
        case let .percentile(p, fraction, ascending): return .percentile(positions[p], fraction: fraction, ascending: ascending)
        }
    }
}
