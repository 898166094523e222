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
    /// One GROUP BY expression, reading a column of the scan's output by position. Plain
    /// values only (no strings or boxed payloads), so switching over them per row copies nothing
    /// that needs reference counting.
    enum KeyPart: Sendable {
        case integer(Int)
        case boolean(Int)
        case text(Int)
        case timestamp(Int, rekind: Timestamp.Kind?)
        /// `date_trunc` to a unit of fixed length (up to a day), in microseconds.
        case truncated(Int, length: Int64, kind: Timestamp.Kind)
        /// `date_trunc` to a calendar unit: `truncationUnits[unit]`.
        case truncatedToCalendar(Int, unit: Int, kind: Timestamp.Kind)
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
        /// percentile_cont/percentile_disc(`fractions[measure]`) WITHIN GROUP (ORDER BY a double
        /// precision column).
        case percentile(Int, ascending: Bool)
    }

    let rowPath: AggregateExec
    let scan: TableScan
    let keyParts: [KeyPart]
    let measures: [Measure]
    /// The constant fraction expression of each percentile measure (nil for the others).
    let fractions: [BoundExpr?]
    /// Calendar units of `truncatedToCalendar` key parts (lower-case), and the result type of each.
    let truncationUnits: [(unit: String, type: DataType)]

    public var columns: [PlanColumn] { rowPath.columns }

    public func execute(_ context: ExecutionContext) throws(PoolSQLError) -> [[Value]] {
        if let rows = try executeTyped(context) { return rows }
        return try rowPath.execute(context)
    }

    /// The result, or nil when the row path has to compute it.
    func executeTyped(_ context: ExecutionContext) throws(PoolSQLError) -> [[Value]]? {
        try context.checkCancellation()
        var fractionValues: [Value] = []
        for expr in fractions {
            guard let expr else { fractionValues.append(.null); continue }
            // The fraction is a constant; one that is NULL or fails is the row path's to report.
            guard let fraction = try? expr.evaluate(row: [], context: context) else { return nil }
            switch fraction {
            case .double, .array: fractionValues.append(fraction)
            default: return nil
            }
        }
        // Typed columns are read directly, when they hold what the query reads: a memory
        // table's own, or those a columnar provider (the metrics history) answers the scan with.
        if let batch = try typedInput() {
            let keys = keyParts.map { $0.reading(scan.outputIndices) }
            let reads = measures.map { $0.reading(scan.outputIndices) }
            if ColumnarAggregateExec.fits(keys, reads, batch.columns, rowCount: batch.rowCount) {
                var states = GroupStateColumns(measures: measures.count)
                var representatives: [Value] = []
                guard try accumulateColumns(batch.columns, rowCount: batch.rowCount, keys: keys, reads: reads, states: &states,
                                            representatives: &representatives, context: context)
                else { return nil }
                try context.checkCancellation()
                return try finish(states: &states, representatives: representatives, fractions: fractionValues)
            }
        }
        // Otherwise a memory table's own rows are read in place (no projected copy per row); other
        // providers answer the scan request as usual.
        let rows: [[Value]]
        let positions: [Int]
        // Every row must have this many values (a provider that returns another shape is an
        // internal error, which the row path reports).
        let width: Int
        if let memory = scan.provider as? MemoryTable, scan.filters.isEmpty, scan.limit == nil {
            rows = memory.rows
            positions = scan.outputIndices
            width = memory.schema.columns.count
        } else {
            rows = try scan.provider.scan(scan.request)
            positions = Array(0..<scan.outputIndices.count)
            width = positions.count
        }
        var states = GroupStateColumns(measures: measures.count)
        var representatives: [Value] = []
        let grouped = try rows.withUnsafeBufferPointer { (all) throws(PoolSQLError) -> Bool in
            try accumulate(all, width: width, keys: keyParts.map { $0.reading(positions) }, reads: measures.map { $0.reading(positions) },
                           states: &states, representatives: &representatives, context: context)
        }
        if !grouped { return nil }
        try context.checkCancellation()
        return try finish(states: &states, representatives: representatives, fractions: fractionValues)
    }

    /// The scan's rows as typed columns (one per schema column), when the table has them: a
    /// memory table's snapshot (it has no filters or limit to apply), or a columnar provider's
    /// answer to the scan request. Nil: read rows.
    func typedInput() throws(PoolSQLError) -> ColumnarBatch? {
        if let memory = scan.provider as? MemoryTable {
            guard scan.filters.isEmpty, scan.limit == nil, let columns = memory.columnarSnapshot(), !columns.isEmpty
            else { return nil }
            return ColumnarBatch(rowCount: columns[0].count, columns: columns)
        }
        if let columnar = scan.provider as? any ColumnarTableProvider {
            return try columnar.columnarScan(scan.request)
        }
        return nil
    }

    /// Folds every row into its group's state; false when a value needs the row path.
    func accumulate(_ rows: UnsafeBufferPointer<[Value]>, width rowWidth: Int, keys: [KeyPart], reads: [Measure],
                    states: inout GroupStateColumns, representatives: inout [Value],
                    context: ExecutionContext) throws(PoolSQLError) -> Bool {
        let width = keys.count + 1
        var table = GroupKeyTable(width: width)
        let key = UnsafeMutableBufferPointer<UInt64>.allocate(capacity: width)
        defer { key.deallocate() }
        key.initialize(repeating: 0)
        var interner = TextInterner()
        let measureCount = reads.count
        if keys.isEmpty { states.addGroup() }

        for r in 0..<rows.count {
            if r & 0xFFFF == 0xFFFF { try context.checkCancellation() }
            // Borrow the row in place: a copy of it would be retained and released per row.
            let fits = rows[r].withUnsafeBufferPointer { row -> Bool in
                if row.count != rowWidth { return false }
                var base = 0
                if !keys.isEmpty {
                    var nulls: UInt64 = 0
                    for i in 0..<keys.count {
                        switch keys[i] {
                        case let .integer(p):
                            switch row[p] {
                            case let .int(x): key[i] = UInt64(bitPattern: x)
                            case .null: key[i] = 0; nulls |= 1 << UInt64(i)
                            default: return false
                            }
                        case let .boolean(p):
                            switch row[p] {
                            case let .bool(b): key[i] = b ? 1 : 0
                            case .null: key[i] = 0; nulls |= 1 << UInt64(i)
                            default: return false
                            }
                        case let .text(p):
                            switch row[p] {
                            case let .text(s): key[i] = interner.number(of: s)
                            case .null: key[i] = 0; nulls |= 1 << UInt64(i)
                            default: return false
                            }
                        case let .timestamp(p, _):
                            switch row[p] {
                            case let .timestamp(t): key[i] = UInt64(bitPattern: t.microseconds)
                            case .null: key[i] = 0; nulls |= 1 << UInt64(i)
                            default: return false
                            }
                        case let .truncated(p, length, _):
                            switch row[p] {
                            case let .timestamp(t):
                                // Floor to a multiple of the unit (the instant may be negative).
                                let remainder = t.microseconds % length
                                key[i] = UInt64(bitPattern: remainder < 0 ? t.microseconds - remainder - length : t.microseconds - remainder)
                            case .null: key[i] = 0; nulls |= 1 << UInt64(i)
                            default: return false
                            }
                        case let .truncatedToCalendar(p, unit, _):
                            switch row[p] {
                            case let .timestamp(t):
                                let (name, type) = truncationUnits[unit]
                                guard let truncated = try? ScalarFunction.truncatedMicroseconds(t.microseconds, unit: name, type: type)
                                else { return false }
                                key[i] = UInt64(bitPattern: truncated)
                            case .null: key[i] = 0; nulls |= 1 << UInt64(i)
                            default: return false
                            }
                        }
                    }
                    key[keys.count] = nulls
                    let found = table.group(of: key)
                    if found.isNew {
                        for i in 0..<keys.count {
                            representatives.append(keys[i].representative(row: row, key: key[i], isNull: nulls & (1 << UInt64(i)) != 0))
                        }
                        states.addGroup()
                    }
                    base = found.group * measureCount
                }
                let counts = states.counts, integers = states.integers, doubles = states.doubles, lists = states.lists
                for m in 0..<measureCount {
                    let slot = base + m
                    switch reads[m] {
                    case .countStar:
                        counts[slot] += 1
                    case let .count(p):
                        if !row[p].isNull { counts[slot] += 1 }
                    case let .sumIntegers(p), let .avgIntegers(p):
                        switch row[p] {
                        case let .int(x):
                            let (sum, overflow) = integers[slot].addingReportingOverflow(x)
                            if overflow { return false }
                            integers[slot] = sum
                            counts[slot] += 1
                        case .null: break
                        default: return false
                        }
                    case let .minIntegers(p):
                        switch row[p] {
                        case let .int(x):
                            if counts[slot] == 0 || x < integers[slot] { integers[slot] = x }
                            counts[slot] += 1
                        case .null: break
                        default: return false
                        }
                    case let .maxIntegers(p):
                        switch row[p] {
                        case let .int(x):
                            if counts[slot] == 0 || x > integers[slot] { integers[slot] = x }
                            counts[slot] += 1
                        case .null: break
                        default: return false
                        }
                    case let .sumDoubles(p), let .avgDoubles(p):
                        switch row[p] {
                        case let .double(x):
                            // The row path starts from the first value (so -0 stays -0) and adds in
                            // input order; non-finite sums are left to it.
                            let sum = counts[slot] == 0 ? x : doubles[slot] + x
                            if !sum.isFinite { return false }
                            doubles[slot] = sum
                            counts[slot] += 1
                        case .null: break
                        default: return false
                        }
                    case let .minDoubles(p):
                        switch row[p] {
                        case let .double(x):
                            if x.isNaN { return false }
                            if counts[slot] == 0 || x < doubles[slot] { doubles[slot] = x }
                            counts[slot] += 1
                        case .null: break
                        default: return false
                        }
                    case let .maxDoubles(p):
                        switch row[p] {
                        case let .double(x):
                            if x.isNaN { return false }
                            if counts[slot] == 0 || x > doubles[slot] { doubles[slot] = x }
                            counts[slot] += 1
                        case .null: break
                        default: return false
                        }
                    case let .percentile(p, _):
                        switch row[p] {
                        case let .double(x): lists[slot].append(x)
                        case .null: break
                        default: return false
                        }
                    }
                }
                return true
            }
            if !fits { return false }
        }
        return true
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
        case let .truncated(p, length, kind): return .truncated(positions[p], length: length, kind: kind)
        case let .truncatedToCalendar(p, unit, kind): return .truncatedToCalendar(positions[p], unit: unit, kind: kind)
        }
    }

    /// The group's value of this part, as the row path's first row of the group shows it.
    func representative(row: UnsafeBufferPointer<Value>, key: UInt64, isNull: Bool) -> Value {
        if isNull { return .null }
        switch self {
        case let .integer(p), let .boolean(p), let .text(p):
            return row[p]
        case let .timestamp(p, rekind):
            // The scan marks date and timestamptz columns' instants with their column's type.
            if let rekind, case let .timestamp(t) = row[p], t.kind != rekind { return .timestamp(t.with(kind: rekind)) }
            return row[p]
        case let .truncated(_, _, kind), let .truncatedToCalendar(_, _, kind):
            return .timestamp(Timestamp(microseconds: Int64(bitPattern: key), kind: kind))
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
        case let .percentile(p, ascending): return .percentile(positions[p], ascending: ascending)
        }
    }
}
