import PoolSQLCatalog
import PoolSQLCore
import PoolSQLPlanner

extension ColumnarAggregateExec {
    /// Whether every key part and measure can read its column's typed vector (the column is not
    /// `.untyped` and holds the kind of value the part or measure reads).
    /// Every column read must hold `rowCount` values (`TypedColumn.notRead` holds none).
    static func fits(_ keys: [KeyPart], _ reads: [Measure], _ columns: [TypedColumn], rowCount: Int) -> Bool {
        func kind(_ p: Int) -> TypedColumn.Kind? { p < columns.count && columns[p].count == rowCount ? columns[p].kind : nil }
        func isTimestamp(_ p: Int) -> Bool { if case .timestamp = kind(p) { return true } else { return false } }
        for key in keys {
            switch key {
            case let .integer(p): if kind(p) != .integer { return false }
            case let .boolean(p): if kind(p) != .boolean { return false }
            case let .text(p): if kind(p) != .text { return false }
            case let .timestamp(p, _), let .truncated(p, _, _), let .truncatedToCalendar(p, _, _):
                if !isTimestamp(p) { return false }
            }
        }
        for read in reads {
            switch read {
            case .countStar: break
            case let .count(p): if p >= columns.count || columns[p].count != rowCount { return false }
            case let .sumIntegers(p), let .avgIntegers(p), let .minIntegers(p), let .maxIntegers(p):
                if kind(p) != .integer { return false }
            case let .sumDoubles(p), let .avgDoubles(p), let .minDoubles(p), let .maxDoubles(p), let .percentile(p, _):
                if kind(p) != .double { return false }
            }
        }
        return true
    }

    /// Rows whose group keys are built at a time: 4096 × a few words stays in the L2 cache.
    static let keyChunkRows = 4096

    /// `accumulate` over typed columns (which `fits` accepted): first every row's group, one
    /// key column at a time into a fixed-width key, then each measure over its whole column.
    /// Groups are numbered in order of first appearance and each group's values are folded in
    /// row order, as the row-at-a-time loop does. False when a value needs the row path.
    func accumulateColumns(_ columns: [TypedColumn], rowCount: Int, keys: [KeyPart], reads: [Measure],
                           states: inout GroupStateColumns, representatives: inout [Value],
                           context: ExecutionContext) throws(PoolSQLError) -> Bool {
        let measureCount = reads.count
        // Every row's group: the other measures fold each chunk of rows right after its groups
        // are known (the chunk's group numbers and values still in cache); percentiles gather
        // their values from the whole buffer afterwards.
        guard rowCount < Int(Int32.max) else { return false }
        let groupOf = UnsafeMutableBufferPointer<Int32>.allocate(capacity: max(rowCount, 1))
        defer { groupOf.deallocate() }
        groupOf.initialize(repeating: 0)
        let group = UnsafeBufferPointer(groupOf)
        // Measures over a column without NULLs count every row of the group: their counts are
        // the group's row count (set at the end) instead of one more update per row, and their
        // running values start from a neutral element instead of testing for a first value.
        let countsRows = reads.map { read -> Bool in
            switch read {
            case .countStar: return true
            case let .count(p), let .sumIntegers(p), let .avgIntegers(p), let .minIntegers(p), let .maxIntegers(p),
                 let .sumDoubles(p), let .avgDoubles(p), let .minDoubles(p), let .maxDoubles(p):
                return columns[p].nullCount == 0
            case .percentile: return false
            }
        }
        var rowsPerGroup: [Int64] = []
        /// Adds a group with the neutral starting values of the row-counting measures.
        func addGroup(_ states: inout GroupStateColumns) {
            states.addGroup()
            rowsPerGroup.append(0)
            let base = (states.groups - 1) * measureCount
            for m in 0..<measureCount where countsRows[m] {
                switch reads[m] {
                case .minIntegers: states.integers[base + m] = .max
                case .maxIntegers: states.integers[base + m] = .min
                case .minDoubles: states.doubles[base + m] = .infinity
                case .maxDoubles: states.doubles[base + m] = -.infinity
                // -0 + x is x for every x (also -0): the sum starts from the first value, as
                // the row path's does.
                case .sumDoubles, .avgDoubles: states.doubles[base + m] = -0.0
                default: break
                }
            }
        }
        /// Folds rows `rows` into every measure but the percentiles; false when a value needs
        /// the row path.
        func foldChunk(_ rows: Range<Int>, states: inout GroupStateColumns) -> Bool {
            let counts = states.counts, integers = states.integers, doubles = states.doubles
            for m in 0..<measureCount {
                guard fold(reads[m], m, columns, rows: rows, group: group, measureCount: measureCount, countsRows: countsRows[m],
                           counts: counts, integers: integers, doubles: doubles)
                else { return false }
            }
            return true
        }
        if keys.isEmpty {
            addGroup(&states)
            rowsPerGroup[0] = Int64(rowCount)
            var start = 0
            while start < rowCount {
                try context.checkCancellation()
                let end = Swift.min(rowCount, start + ColumnarAggregateExec.keyChunkRows)
                guard foldChunk(start..<end, states: &states) else { return false }
                start = end
            }
        } else {
            // The rows' fixed-width keys, row-major: one word per key part (0 for a NULL), then
            // the NULL bits. Built a chunk of rows at a time, so the buffer stays in cache
            // instead of being megabytes of fresh pages on every query.
            let width = keys.count + 1
            let chunk = Swift.min(rowCount, ColumnarAggregateExec.keyChunkRows)
            let flat = UnsafeMutableBufferPointer<UInt64>.allocate(capacity: Swift.max(chunk, 1) * width)
            defer { flat.deallocate() }
            var table = GroupKeyTable(width: width)
            var start = 0
            while start < rowCount {
                try context.checkCancellation()
                let count = Swift.min(chunk, rowCount - start)
                flat.initialize(repeating: 0)
                for i in 0..<keys.count {
                    guard try writePartWords(keys[i], columns, rows: start..<(start + count), into: flat, width: width, at: i, context: context)
                    else { return false }
                    let column = columns[keys[i].column]
                    if column.nullCount > 0 {
                        for r in 0..<count where column.isNull(start + r) {
                            flat[r * width + i] = 0
                            flat[r * width + keys.count] |= 1 << UInt64(i)
                        }
                    }
                }
                for r in 0..<count {
                    let key = UnsafeMutableBufferPointer(rebasing: flat[(r * width)..<(r * width + width)])
                    let found = table.group(of: key)
                    if found.isNew {
                        let nulls = key[keys.count]
                        for i in 0..<keys.count {
                            representatives.append(keys[i].representative(columns, row: start + r, key: key[i], isNull: nulls & (1 << UInt64(i)) != 0))
                        }
                        addGroup(&states)
                    }
                    rowsPerGroup[found.group] += 1
                    groupOf[start + r] = Int32(truncatingIfNeeded: found.group)
                }
                guard foldChunk(start..<(start + count), states: &states) else { return false }
                start += count
            }
        }
        try context.checkCancellation()
        for m in 0..<measureCount where countsRows[m] {
            for g in 0..<states.groups { states.counts[g * measureCount + m] = rowsPerGroup[g] }
        }
        for m in 0..<measureCount {
            switch reads[m] {
            case let .percentile(p, _):
                let column = columns[p]
                let values = column.doubles
                // Each group's values in row order, gathered into one buffer by a counting
                // scatter (cheaper than growing thousands of arrays one value at a time).
                let groups = states.groups
                var starts = [Int](repeating: 0, count: groups + 1)
                for r in 0..<rowCount where column.nullCount == 0 || !column.isNull(r) { starts[Int(groupOf[r]) + 1] += 1 }
                for g in 0..<groups { starts[g + 1] += starts[g] }
                var next = starts
                var gathered = [Double](repeating: 0, count: starts[groups])
                for r in 0..<rowCount where column.nullCount == 0 || !column.isNull(r) {
                    let g = Int(groupOf[r])
                    gathered[next[g]] = values[r]
                    next[g] += 1
                }
                // Kept whole: `finish` takes each group's values from its range, one group at a
                // time, instead of thousands of lists all alive at once.
                states.setGathered(measure: m, values: gathered, starts: starts)
                try context.checkCancellation()
            default:
                continue  // folded chunk by chunk above
            }
        }
        return true
    }

    /// Folds rows `rows` into measure `m` (not a percentile: those gather afterwards); false
    /// when a value needs the row path. Each group's values are folded in row order.
    func fold(_ read: Measure, _ m: Int, _ columns: [TypedColumn], rows: Range<Int>, group: UnsafeBufferPointer<Int32>,
              measureCount: Int, countsRows: Bool, counts: UnsafeMutablePointer<Int64>, integers: UnsafeMutablePointer<Int64>,
              doubles: UnsafeMutablePointer<Double>) -> Bool {
        if countsRows {
            return foldEveryRow(read, m, columns, rows: rows, group: group, measureCount: measureCount, integers: integers, doubles: doubles)
        }
        switch read {
        case .countStar:
            for r in rows { counts[Int(group[r]) * measureCount + m] += 1 }
        case let .count(p):
            let column = columns[p]
            let nullable = column.nullCount > 0
            for r in rows where !nullable || !column.isNull(r) { counts[Int(group[r]) * measureCount + m] += 1 }
        case let .sumIntegers(p), let .avgIntegers(p):
            let column = columns[p]
            let nullable = column.nullCount > 0
            // Borrowed in place: no bounds checks or reference counting in the loop.
            return column.integers.withUnsafeBufferPointer { values -> Bool in
                for r in rows {
                    if nullable && column.isNull(r) { continue }
                    let slot = Int(group[r]) * measureCount + m
                    let (sum, overflow) = integers[slot].addingReportingOverflow(values[r])
                    if overflow { return false }
                    integers[slot] = sum
                    counts[slot] += 1
                }
                return true
            }
        case let .minIntegers(p), let .maxIntegers(p):
            let column = columns[p]
            let nullable = column.nullCount > 0
            let isMin: Bool
            if case .minIntegers = read { isMin = true } else { isMin = false }
            column.integers.withUnsafeBufferPointer { values in
                for r in rows {
                    if nullable && column.isNull(r) { continue }
                    let slot = Int(group[r]) * measureCount + m
                    let x = values[r]
                    if counts[slot] == 0 || (isMin ? x < integers[slot] : x > integers[slot]) { integers[slot] = x }
                    counts[slot] += 1
                }
            }
        case let .sumDoubles(p), let .avgDoubles(p):
            let column = columns[p]
            let nullable = column.nullCount > 0
            return column.doubles.withUnsafeBufferPointer { values -> Bool in
                for r in rows {
                    if nullable && column.isNull(r) { continue }
                    let slot = Int(group[r]) * measureCount + m
                    let x = values[r]
                    // The row path starts from the first value (so -0 stays -0) and adds in
                    // input order; non-finite sums are left to it.
                    let sum = counts[slot] == 0 ? x : doubles[slot] + x
                    if !sum.isFinite { return false }
                    doubles[slot] = sum
                    counts[slot] += 1
                }
                return true
            }
        case let .minDoubles(p), let .maxDoubles(p):
            let column = columns[p]
            let nullable = column.nullCount > 0
            let isMin: Bool
            if case .minDoubles = read { isMin = true } else { isMin = false }
            return column.doubles.withUnsafeBufferPointer { values -> Bool in
                for r in rows {
                    if nullable && column.isNull(r) { continue }
                    let slot = Int(group[r]) * measureCount + m
                    let x = values[r]
                    if x.isNaN { return false }
                    if counts[slot] == 0 || (isMin ? x < doubles[slot] : x > doubles[slot]) { doubles[slot] = x }
                    counts[slot] += 1
                }
                return true
            }
        case .percentile:
            break
        }
        return true
    }

    /// `fold` for a measure over a column without NULLs (or count(*)): no counts (the group's
    /// row count stands for them) and no first-value test (the group started from a neutral
    /// value). Same results, in the same order of additions.
    func foldEveryRow(_ read: Measure, _ m: Int, _ columns: [TypedColumn], rows: Range<Int>, group: UnsafeBufferPointer<Int32>,
                      measureCount: Int, integers: UnsafeMutablePointer<Int64>, doubles: UnsafeMutablePointer<Double>) -> Bool {
        switch read {
        case .countStar, .count, .percentile:
            return true
        case let .sumIntegers(p), let .avgIntegers(p):
            return columns[p].integers.withUnsafeBufferPointer { values -> Bool in
                for r in rows {
                    let slot = Int(group[r]) * measureCount + m
                    let (sum, overflow) = integers[slot].addingReportingOverflow(values[r])
                    if overflow { return false }
                    integers[slot] = sum
                }
                return true
            }
        case let .minIntegers(p):
            columns[p].integers.withUnsafeBufferPointer { values in
                for r in rows {
                    let slot = Int(group[r]) * measureCount + m
                    integers[slot] = Swift.min(integers[slot], values[r])
                }
            }
        case let .maxIntegers(p):
            columns[p].integers.withUnsafeBufferPointer { values in
                for r in rows {
                    let slot = Int(group[r]) * measureCount + m
                    integers[slot] = Swift.max(integers[slot], values[r])
                }
            }
        case let .sumDoubles(p), let .avgDoubles(p):
            return columns[p].doubles.withUnsafeBufferPointer { values -> Bool in
                for r in rows {
                    let slot = Int(group[r]) * measureCount + m
                    let sum = doubles[slot] + values[r]
                    if !sum.isFinite { return false }
                    doubles[slot] = sum
                }
                return true
            }
        case let .minDoubles(p), let .maxDoubles(p):
            var isMin = false
            if case .minDoubles = read { isMin = true }
            return columns[p].doubles.withUnsafeBufferPointer { values -> Bool in
                for r in rows {
                    let slot = Int(group[r]) * measureCount + m
                    let x = values[r]
                    if x.isNaN { return false }
                    // Replaced only by a strictly smaller (larger) value: the first of equal
                    // values (0 before -0) stays, as in the row path.
                    if isMin ? x < doubles[slot] : x > doubles[slot] { doubles[slot] = x }
                }
                return true
            }
        }
        return true
    }

    /// Writes one key part's word for every row into word `part` of each row's key in `flat`
    /// (NULL rows' words are overwritten with 0 by the caller), straight from the typed vector;
    /// false when a calendar truncation fails (the row path reports it).
    func writePartWords(_ part: KeyPart, _ columns: [TypedColumn], rows: Range<Int>,
                        into flat: UnsafeMutableBufferPointer<UInt64>, width: Int, at index: Int,
                        context: ExecutionContext) throws(PoolSQLError) -> Bool {
        let column = columns[part.column]
        // Row `start + r` of the column goes to row `r` of `flat`.
        let start = rows.lowerBound, rowCount = rows.count
        switch part {
        case .text:
            column.textIDs.withUnsafeBufferPointer { ids in
                for r in 0..<rowCount { flat[r * width + index] = UInt64(ids[start + r]) }
            }
        case .integer, .boolean, .timestamp:
            column.integers.withUnsafeBufferPointer { values in
                for r in 0..<rowCount { flat[r * width + index] = UInt64(bitPattern: values[start + r]) }
            }
        case let .truncated(_, length, _):
            column.integers.withUnsafeBufferPointer { values in
                // Floor to a multiple of the unit (the instant may be negative). The common
                // units get a constant divisor, which the compiler turns into a multiplication
                // instead of a 64-bit division per row.
                @inline(__always) func floor(_ t: Int64, _ length: Int64) -> UInt64 {
                    let remainder = t % length
                    return UInt64(bitPattern: remainder < 0 ? t - remainder - length : t - remainder)
                }
                switch length {
                case 3_600_000_000:
                    for r in 0..<rowCount { flat[r * width + index] = floor(values[start + r], 3_600_000_000) }
                case 60_000_000:
                    for r in 0..<rowCount { flat[r * width + index] = floor(values[start + r], 60_000_000) }
                case 86_400_000_000:
                    for r in 0..<rowCount { flat[r * width + index] = floor(values[start + r], 86_400_000_000) }
                case 1_000_000:
                    for r in 0..<rowCount { flat[r * width + index] = floor(values[start + r], 1_000_000) }
                default:
                    for r in 0..<rowCount { flat[r * width + index] = floor(values[start + r], length) }
                }
            }
        case let .truncatedToCalendar(_, unit, _):
            let (name, type) = truncationUnits[unit]
            for r in 0..<rowCount {
                if r & 0xFFFF == 0xFFFF { try context.checkCancellation() }
                if column.nullCount > 0 && column.isNull(start + r) { continue }
                guard let truncated = try? ScalarFunction.truncatedMicroseconds(column.integers[start + r], unit: name, type: type)
                else { return false }
                flat[r * width + index] = UInt64(bitPattern: truncated)
            }
        }
        return true
    }
}

extension ColumnarAggregateExec.KeyPart {
    /// The table column the part reads.
    var column: Int {
        switch self {
        case let .integer(p), let .boolean(p), let .text(p), let .timestamp(p, _),
             let .truncated(p, _, _), let .truncatedToCalendar(p, _, _):
            return p
        }
    }

    /// The group's value of this part as the row path shows it (see `representative(row:…)`),
    /// from typed columns.
    func representative(_ columns: [TypedColumn], row: Int, key: UInt64, isNull: Bool) -> Value {
        if isNull { return .null }
        switch self {
        case .integer:
            return .int(Int64(bitPattern: key))
        case .boolean:
            return .bool(key != 0)
        case let .text(p):
            return .text(columns[p].dictionary[Int(key)])
        case let .timestamp(p, rekind):
            guard case let .timestamp(stored) = columns[p].kind else { return .null }
            return .timestamp(Timestamp(microseconds: Int64(bitPattern: key), kind: rekind ?? stored))
        case let .truncated(_, _, kind), let .truncatedToCalendar(_, _, kind):
            return .timestamp(Timestamp(microseconds: Int64(bitPattern: key), kind: kind))
        }
    }
}
