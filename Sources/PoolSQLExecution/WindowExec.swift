import PoolSQLCore
import PoolSQLPlanner

/// Computes window functions: for each call, rows are partitioned, ordered within their
/// partition, and each row gets the function's value over its frame (the whole partition
/// without ORDER BY, else up to its last peer). Output rows keep the input order, each
/// followed by the calls' values.
public struct WindowExec: PhysicalOperator {
    public let calls: [WindowCall]
    public let input: any PhysicalOperator
    public let columns: [PlanColumn]

    public func execute(_ context: ExecutionContext) throws(PoolSQLError) -> [[Value]] {
        var rows = try input.execute(context)
        var results = [[Value]](repeating: [], count: rows.count)
        for call in calls {
            try context.checkCancellation()
            let values = try compute(call, rows: rows, context: context)
            for i in rows.indices { results[i].append(values[i]) }
        }
        for i in rows.indices { rows[i] += results[i] }
        return rows
    }

    private func compute(_ call: WindowCall, rows: [[Value]], context: ExecutionContext) throws(PoolSQLError) -> [Value] {
        // Partition, keeping first-seen order of partitions.
        var partitions: [[Int]] = []
        if call.partitionBy.count == 1 {
            // One expression (the common PARTITION BY pool_name): its values are the keys, with
            // no array per row.
            var partitionIndex: [Value: Int] = [:]
            for (i, row) in rows.enumerated() {
                let key = try call.partitionBy[0].evaluate(row: row, context: context)
                if let p = partitionIndex[key] {
                    partitions[p].append(i)
                } else {
                    partitionIndex[key] = partitions.count
                    partitions.append([i])
                }
            }
        } else {
            var partitionIndex: [[Value]: Int] = [:]
            for (i, row) in rows.enumerated() {
                var key: [Value] = []
                for e in call.partitionBy { key.append(try e.evaluate(row: row, context: context)) }
                if let p = partitionIndex[key] {
                    partitions[p].append(i)
                } else {
                    partitionIndex[key] = partitions.count
                    partitions.append([i])
                }
            }
        }
        var sortKeys = [[Value]](repeating: [], count: rows.count)
        for (i, row) in rows.enumerated() {
            for k in call.orderBy { sortKeys[i].append(try k.expr.evaluate(row: row, context: context)) }
        }
        func peers(_ a: Int, _ b: Int) -> Bool {
            zip(sortKeys[a], sortKeys[b]).allSatisfy { Value.sortCompare($0, $1) == 0 }
        }
        var out = [Value](repeating: .null, count: rows.count)
        let usesPeers: Bool
        switch call.function {
        case .rowNumber, .lag, .lead, .ntile: usesPeers = false
        default: usesPeers = true
        }
        // The directions only, so comparisons do not copy (retain) the sort expressions.
        let directions = call.orderBy.map { (ascending: $0.ascending, nullsFirst: $0.nullsFirst) }
        // Keys of plain kinds sort as integers (each partition lists its rows in input order,
        // so ties keep it).
        let encoded = call.orderBy.isEmpty ? nil
            : SortKeyEncoding(columns: (0..<directions.count).map { k in sortKeys.map { $0[k] } }, directions: directions)
        for partition in partitions {
            let ordered = call.orderBy.isEmpty ? partition : encoded?.sorted(partition) ?? partition.enumerated().sorted { a, b in
                for k in 0..<directions.count {
                    let c = SortExec.compare(sortKeys[a.element][k], sortKeys[b.element][k],
                                             ascending: directions[k].ascending, nullsFirst: directions[k].nullsFirst)
                    if c != 0 { return c < 0 }
                }
                return a.offset < b.offset
            }.map(\.element)
            // frameEnd[p]: position of the last peer of row p (the frame's end with ORDER BY).
            // Positional functions (row_number, lag, lead, ntile) need no peers or frames.
            var frameEnd = [Int](repeating: ordered.count - 1, count: ordered.count)
            if !call.orderBy.isEmpty && usesPeers {
                var p = ordered.count - 1
                while p >= 0 {
                    var q = p
                    while q > 0, peers(ordered[q - 1], ordered[p]) { q -= 1 }
                    for r in q...p { frameEnd[r] = p }
                    p = q - 1
                }
            }
            // firstPeer[p]: position of the first peer of row p.
            var firstPeer = [Int](repeating: 0, count: ordered.count)
            for p in ordered.indices where p > 0 && usesPeers {
                firstPeer[p] = peers(ordered[p - 1], ordered[p]) ? firstPeer[p - 1] : p
            }
            let offsets = call.frame.countsPositions ? try frameOffsets(call.frame, context: context) : (start: 0, end: 0)
            let rangeOffsets = call.frame.countsPositions ? (start: Value.null, end: Value.null) : try rangeFrameOffsets(call.frame, context: context)
            // Peer groups (GROUPS frames): the group of each position and each group's extent.
            var groupOf = [Int](repeating: 0, count: ordered.count)
            var groupBounds: [(first: Int, last: Int)] = []
            for p in ordered.indices {
                if p == 0 || firstPeer[p] == p { groupBounds.append((p, p)) } else { groupBounds[groupBounds.count - 1].last = p }
                groupOf[p] = groupBounds.count - 1
            }
            // The frame of row p as positions [lower, upper] (empty when lower > upper).
            func frame(_ p: Int) -> (lower: Int, upper: Int) {
                func position(_ bound: WindowFrameBound, isStart: Bool) -> Int {
                    switch bound {
                    case .unboundedPreceding: return 0
                    case .unboundedFollowing: return ordered.count - 1
                    case .currentRow: return call.frame.units == .rows ? p : (isStart ? firstPeer[p] : frameEnd[p])
                    case .preceding, .following:
                        let k = isStart ? offsets.start : offsets.end
                        var preceding = false
                        if case .preceding = bound { preceding = true }
                        switch call.frame.units {
                        case .rows:
                            return preceding ? p - k : p + k
                        case .groups:
                            let g = preceding ? groupOf[p] - k : groupOf[p] + k
                            if g < 0 { return isStart ? 0 : -1 }
                            if g >= groupBounds.count { return isStart ? ordered.count : ordered.count - 1 }
                            return isStart ? groupBounds[g].first : groupBounds[g].last
                        case .range:
                            break
                        }
                        return rangePosition(bound, isStart: isStart, p: p, offset: isStart ? rangeOffsets.start : rangeOffsets.end)
                    }
                }
                return (Swift.max(0, position(call.frame.start, isStart: true)), Swift.min(ordered.count - 1, position(call.frame.end, isStart: false)))
            }
            /// RANGE offset bounds: the first (start) or last (end) position whose ORDER BY value
            /// lies within `offset` of row p's value in the bound's direction. NULL values are
            /// peers only of each other.
            func rangePosition(_ bound: WindowFrameBound, isStart: Bool, p: Int, offset: Value) -> Int {
                let key = call.orderBy[0]
                let value = sortKeys[ordered[p]][0]
                if value.isNull { return isStart ? firstPeer[p] : frameEnd[p] }
                var preceding = false
                if case .preceding = bound { preceding = true }
                // Moving "preceding" goes against the sort direction.
                let subtract = preceding == key.ascending
                guard let limit = try? Value.arithmetic(subtract ? .subtract : .add, value, offset, resultType: value.dataType) else {
                    return isStart ? 0 : ordered.count - 1
                }
                func within(_ q: Int) -> Bool {
                    let v = sortKeys[ordered[q]][0]
                    guard let c = v.sqlCompare(limit) else { return false }
                    // In sort order, the start bound admits values at or after the limit, the
                    // end bound values at or before it.
                    let inOrder = key.ascending ? c : -c
                    return isStart ? inOrder >= 0 : inOrder <= 0
                }
                if isStart {
                    return ordered.indices.first(where: { !sortKeys[ordered[$0]][0].isNull && within($0) }) ?? ordered.count
                }
                return ordered.indices.last(where: { !sortKeys[ordered[$0]][0].isNull && within($0) }) ?? -1
            }
            var rank = 1, denseRank = 0
            for (p, rowIndex) in ordered.enumerated() {
                let row = rows[rowIndex]
                let newPeerGroup = usesPeers && (p == 0 || !peers(ordered[p - 1], rowIndex))
                if newPeerGroup { rank = p + 1; denseRank += 1 }
                switch call.function {
                case .rowNumber: out[rowIndex] = .int(Int64(p + 1))
                case .rank: out[rowIndex] = .int(Int64(rank))
                case .denseRank: out[rowIndex] = .int(Int64(denseRank))
                case .lag, .lead:
                    var offset = 1
                    if call.arguments.count > 1 {
                        let v = try call.arguments[1].evaluate(row: row, context: context)
                        if v.isNull { out[rowIndex] = .null; continue }
                        if case let .int(o) = v { offset = Int(clamping: o) }
                    }
                    var isLag = false
                    if case .lag = call.function { isLag = true }
                    let (target, overflow) = isLag ? p.subtractingReportingOverflow(offset) : p.addingReportingOverflow(offset)
                    if !overflow, target >= 0, target < ordered.count {
                        out[rowIndex] = try call.arguments[0].evaluate(row: rows[ordered[target]], context: context)
                    } else if call.arguments.count > 2 {
                        out[rowIndex] = try call.arguments[2].evaluate(row: row, context: context)
                    } else {
                        out[rowIndex] = .null
                    }
                case .firstValue, .lastValue:
                    let (lower, upper) = frame(p)
                    guard lower <= upper else { out[rowIndex] = .null; continue }
                    var isFirst = false
                    if case .firstValue = call.function { isFirst = true }
                    out[rowIndex] = try call.arguments[0].evaluate(row: rows[ordered[isFirst ? lower : upper]], context: context)
                case .percentRank:
                    out[rowIndex] = .double(ordered.count > 1 ? Double(rank - 1) / Double(ordered.count - 1) : 0)
                case .cumeDist:
                    out[rowIndex] = .double(Double(frameEnd[p] + 1) / Double(ordered.count))
                case .ntile:
                    let v = try call.arguments[0].evaluate(row: row, context: context)
                    guard case let .int(buckets) = v else { out[rowIndex] = .null; continue }
                    if buckets <= 0 { throw PoolSQLError(.init("22014"), "argument of ntile must be greater than zero") }
                    // The first (count % buckets) buckets get one row more.
                    let n = Int64(ordered.count), size = n / buckets, extra = n % buckets
                    let position = Int64(p)
                    let bigRows = extra * (size + 1)
                    let bucket = size == 0 ? position + 1
                        : position < bigRows ? position / (size + 1) + 1 : extra + (position - bigRows) / size + 1
                    out[rowIndex] = .int(bucket)
                case .nthValue:
                    let v = try call.arguments[1].evaluate(row: row, context: context)
                    guard case let .int(nth) = v else { out[rowIndex] = .null; continue }
                    if nth <= 0 { throw PoolSQLError(.init("22016"), "argument of nth_value must be greater than zero") }
                    let (lower, upper) = frame(p)
                    let target = Int64(lower) + nth - 1
                    out[rowIndex] = lower <= upper && target <= Int64(upper)
                        ? try call.arguments[0].evaluate(row: rows[ordered[Int(target)]], context: context) : .null
                case let .aggregate(aggregate):
                    // The frame's rows, aggregated like GROUP BY does.
                    let (lower, upper) = frame(p)
                    let frame = lower <= upper ? ordered[lower...upper].map { rows[$0] } : []
                    let exec = AggregateExec(groups: [], aggregates: [aggregate], columns: [],
                                             input: MaterializedRows(rows: frame, columns: input.columns))
                    out[rowIndex] = try exec.execute(context).first?.first ?? .null
                }
            }
        }
        return out
    }
}

extension WindowExec {
    /// The RANGE offsets of a frame's start and end (NULL where not an offset).
    func rangeFrameOffsets(_ frame: WindowFrameSpec, context: ExecutionContext) throws(PoolSQLError) -> (start: Value, end: Value) {
        func offset(_ bound: WindowFrameBound, _ which: String) throws(PoolSQLError) -> Value {
            switch bound {
            case let .preceding(e), let .following(e):
                let v = try e.evaluate(row: [], context: context)
                if v.isNull { throw PoolSQLError(.init("22004"), "frame \(which) offset must not be null") }
                var zero: Value = .int(0)
                if case .interval = v { zero = .interval(Interval()) }
                if let c = v.sqlCompare(zero), c < 0 {
                    throw PoolSQLError(.init("22013"), "invalid preceding or following size in window function")
                }
                return v
            default: return .null
            }
        }
        return (try offset(frame.start, "starting"), try offset(frame.end, "ending"))
    }

    /// The constant ROWS offsets of a frame's start and end (0 where not an offset).
    func frameOffsets(_ frame: WindowFrameSpec, context: ExecutionContext) throws(PoolSQLError) -> (start: Int, end: Int) {
        func offset(_ bound: WindowFrameBound, _ which: String) throws(PoolSQLError) -> Int {
            switch bound {
            case let .preceding(e), let .following(e):
                switch try e.evaluate(row: [], context: context) {
                case .null: throw PoolSQLError(.init("22004"), "frame \(which) offset must not be null")
                case let .int(n):
                    if n < 0 { throw PoolSQLError(.init("22013"), "frame \(which) offset must not be negative") }
                    return Int(Swift.min(n, Int64(Int32.max)))
                default: return 0
                }
            default: return 0
            }
        }
        return (try offset(frame.start, "starting"), try offset(frame.end, "ending"))
    }
}

/// Rows already computed, as an operator (window frames reuse the aggregate operator).
struct MaterializedRows: PhysicalOperator {
    let rows: [[Value]]
    let columns: [PlanColumn]
    func execute(_ context: ExecutionContext) throws(PoolSQLError) -> [[Value]] { rows }
}
