import PoolSQLCore

/// Columns of `connection_pool_metrics` held in memory between queries, so an analytic query
/// over the whole history reads typed vectors instead of stepping SQLite through every row.
///
/// The store keeps it in step with the file (`SQLiteStore+Columns.swift`): rows are appended
/// with increasing rowids, so rows past the highest cached rowid are the new ones; a trigger
/// logs the rowid of every deleted sample (schema migration 2), so the cache drops exactly
/// those rows, and another counts updates (the cache then reloads). Triggers fire for every
/// writer of the file: other processes, older PoolSQL versions, the sqlite3 shell.
///
/// Rows are held in rowid (write) order; `order` lists them in the order `samples` returns
/// (time, pool, instance, then write order) when that differs (rows imported out of order).
struct SQLiteSampleColumnCache {
    /// The newest entry of the deletion log the cached rows reflect.
    var lastDeletionID: Int64
    /// `store_state.sample_updates` when the rows were read: a change means rows were updated
    /// in place, and the cache reloads.
    var updates: Int64
    /// Rowids of the cached rows, ascending.
    private(set) var rowIDs: [Int64] = []
    /// The columns held, in `SampleColumn` order; always includes time, pool and instance.
    let columnList: [SampleColumn]
    private var columns: [CachedColumn]
    /// Positions of the rows in (time, pool, instance, rowid) order; nil when the rowid order is it.
    private(set) var order: [Int32]?

    /// The columns `order` needs besides those a query reads.
    static let orderingColumns: Set<SampleColumn> = [.timestamp, .poolName, .instanceID]

    init(lastDeletionID: Int64, updates: Int64, columns wanted: Set<SampleColumn>) {
        self.lastDeletionID = lastDeletionID
        self.updates = updates
        columnList = wanted.union(Self.orderingColumns).sorted { $0.rawValue < $1.rawValue }
        columns = columnList.map { CachedColumn(storage: $0.storage) }
    }

    var count: Int { rowIDs.count }
    var highestRowID: Int64 { rowIDs.last ?? 0 }

    func holds(_ wanted: Set<SampleColumn>) -> Bool { wanted.isSubset(of: columnList) }

    /// Memory the vectors take (approximately: dictionaries are a few strings).
    var bytes: Int64 { Self.bytesPerRow(columnList) * Int64(count) }

    static func bytesPerRow<C: Collection<SampleColumn>>(_ columns: C) -> Int64 {
        // The rowid, each column's element, and the position in `order` when there is one.
        columns.reduce(8 + 4) { $0 + ($1.storage == .text ? 4 : 8) }
    }

    // MARK: Loading

    /// The select list `append(from:)` reads: the rowid, then `columnList`.
    var selectList: String { (["rowid"] + columnList.map(\.sqlName)).joined(separator: ", ") }

    /// Appends every row `statement` (selecting `selectList`) returns; rowids must ascend past
    /// `highestRowID` (rows from `WHERE rowid > ? ORDER BY rowid`) unless the cache serves one
    /// query only.
    mutating func append(from statement: SQLiteStatement) throws(PoolSQLError) {
        let first = count
        while try statement.step() {
            rowIDs.append(statement.int64(0))
            for c in columns.indices {
                let index = Int32(c + 1)
                switch columns[c].storage {
                case .integer: columns[c].integers.append(statement.int64(index))
                case .double: columns[c].doubles.append(statement.double(index))
                case .text: columns[c].appendText(statement, index, row: rowIDs.count - 1)
                }
            }
        }
        if count > first { restoreOrder(appendedFrom: first) }
    }

    /// Drops the rows whose rowid is in `deleted` (rowids not cached are ignored).
    mutating func remove(_ deleted: Set<Int64>) {
        guard !deleted.isEmpty, !rowIDs.isEmpty else { return }
        var keep = [Bool](repeating: true, count: count)
        var removed = 0
        for rowID in deleted {
            if let position = Self.position(of: rowID, in: rowIDs) {
                keep[position] = false
                removed += 1
            }
        }
        guard removed > 0 else { return }
        // Retention deletes the oldest rows, which are (nearly always) the first ones in rowid
        // order: dropping a prefix moves memory instead of copying row by row.
        if order == nil, !keep[0..<removed].contains(true) {
            rowIDs.removeFirst(removed)
            for c in columns.indices { columns[c].dropFirst(removed) }
            return
        }
        // New position of each kept row, for `order`.
        var newPosition = [Int32](repeating: -1, count: count)
        var next: Int32 = 0
        for p in 0..<count where keep[p] {
            newPosition[p] = next
            next += 1
        }
        rowIDs = Self.compacted(rowIDs, keep)
        for c in columns.indices { columns[c].compact(keep) }
        if let order {
            self.order = order.compactMap { newPosition[Int($0)] >= 0 ? newPosition[Int($0)] : nil }
        }
    }

    private static func position(of rowID: Int64, in sorted: [Int64]) -> Int? {
        var low = 0, high = sorted.count
        while low < high {
            let mid = (low + high) / 2
            if sorted[mid] < rowID { low = mid + 1 } else { high = mid }
        }
        return low < sorted.count && sorted[low] == rowID ? low : nil
    }

    static func compacted<T>(_ values: [T], _ keep: [Bool]) -> [T] {
        var result: [T] = []
        result.reserveCapacity(values.count)
        for i in values.indices where keep[i] { result.append(values[i]) }
        return result
    }

    // MARK: Order

    private func column(_ name: SampleColumn) -> CachedColumn? {
        columnList.firstIndex(of: name).map { columns[$0] }
    }

    /// Keeps `order` right after rows were appended from position `first` on: nothing to do
    /// when they continue the (time, pool, instance) order, else one stable sort of everything.
    private mutating func restoreOrder(appendedFrom first: Int) {
        guard let time = column(.timestamp)?.integers, let pool = column(.poolName), let instance = column(.instanceID)
        else { return }
        let poolRank = pool.ranks(), instanceRank = instance.ranks()
        func precedes(_ a: Int, _ b: Int) -> Bool {
            if time[a] != time[b] { return time[a] < time[b] }
            let pa = poolRank[Int(pool.ids[a])], pb = poolRank[Int(pool.ids[b])]
            if pa != pb { return pa < pb }
            let ia = instanceRank[Int(instance.ids[a])], ib = instanceRank[Int(instance.ids[b])]
            if ia != ib { return ia < ib }
            return a < b
        }
        if let order {
            // Sort only the new rows, then merge them into the order (ties: older rows first,
            // as their smaller positions say).
            var added = (Int32(first)..<Int32(count)).map { $0 }
            added.sort { precedes(Int($0), Int($1)) }
            var merged: [Int32] = []
            merged.reserveCapacity(count)
            var i = 0, j = 0
            while i < order.count || j < added.count {
                if j == added.count || (i < order.count && !precedes(Int(added[j]), Int(order[i]))) {
                    merged.append(order[i])
                    i += 1
                } else {
                    merged.append(added[j])
                    j += 1
                }
            }
            self.order = merged
            return
        }
        var ordered = true
        for p in max(first, 1)..<count where precedes(p, p - 1) {
            ordered = false
            break
        }
        if ordered { return }
        var positions = (0..<Int32(count)).map { $0 }
        positions.sort { precedes(Int($0), Int($1)) }
        order = positions
    }

    // MARK: Answering a query

    /// The cached rows that pass `query`'s filters (time range, pools, environments, instances),
    /// in `samples` order, as the requested columns.
    func select(_ query: MetricsQuery, _ wanted: [SampleColumn]) -> SampleColumns {
        let positions = matchingPositions(query)
        var vectors: [SampleColumn: SampleVector] = [:]
        for name in wanted {
            guard let index = columnList.firstIndex(of: name) else { continue }
            vectors[name] = columns[index].vector(positions)
        }
        return SampleColumns(count: positions?.count ?? count, vectors: vectors)
    }

    /// nil: every row, in rowid order (no copy needed).
    private func matchingPositions(_ query: MetricsQuery) -> [Int32]? {
        guard let time = column(.timestamp)?.integers else { return [] }
        let sequence: [Int32]? = order
        @inline(__always) func at(_ i: Int) -> Int { sequence.map { Int($0[i]) } ?? i }
        // The time range by binary search over the ordered rows.
        func lowerBound(_ isBefore: (Int64) -> Bool) -> Int {
            var low = 0, high = count
            while low < high {
                let mid = (low + high) / 2
                if isBefore(time[at(mid)]) { low = mid + 1 } else { high = mid }
            }
            return low
        }
        var start = 0, end = count
        if let from = query.from?.microseconds {
            start = lowerBound { query.fromInclusive ? $0 < from : $0 <= from }
        }
        if let to = query.to?.microseconds {
            end = lowerBound { query.toInclusive ? $0 <= to : $0 < to }
        }
        end = max(start, end)
        var accepted: [(CachedColumn, [Bool])] = []
        for (name, values) in [(SampleColumn.poolName, query.poolNames), (.environment, query.environments), (.instanceID, query.instanceIDs)] {
            guard let values else { continue }
            guard let column = column(name) else { return [] }
            accepted.append((column, column.accepting(values)))
        }
        if accepted.isEmpty && start == 0 && end == count && sequence == nil { return nil }
        var positions: [Int32] = []
        positions.reserveCapacity(accepted.isEmpty ? end - start : 0)
        for i in start..<end {
            let p = at(i)
            if accepted.allSatisfy({ column, ok in !column.isNull(p) && ok[Int(column.ids[p])] }) {
                positions.append(Int32(p))
            }
        }
        return positions
    }
}

/// One cached column: the vector of its storage kind; text as ids into a dictionary.
struct CachedColumn {
    let storage: SampleColumn.Storage
    var integers: [Int64] = []
    var doubles: [Double] = []
    var ids: [UInt32] = []
    var dictionary: [String] = []
    /// FNV-1a of each dictionary entry's bytes → its ids (more than one only on a collision).
    private var idsByHash: [UInt64: [UInt32]] = [:]
    private var entryBytes: [[UInt8]] = []
    private var lastID: UInt32?
    var nullBits: [UInt64] = []
    var nullCount = 0

    init(storage: SampleColumn.Storage) { self.storage = storage }

    func isNull(_ row: Int) -> Bool {
        nullCount > 0 && nullBits[row >> 6] & (1 << UInt64(row & 63)) != 0
    }

    mutating func appendText(_ statement: SQLiteStatement, _ index: Int32, row: Int) {
        if row & 63 == 0 { nullBits.append(0) }
        guard let bytes = statement.textBytes(index) else {
            nullBits[row >> 6] |= 1 << UInt64(row & 63)
            nullCount += 1
            ids.append(0)
            return
        }
        ids.append(id(for: bytes))
    }

    /// The id of `bytes`, adding it to the dictionary when new. Consecutive rows often repeat a
    /// value (one health status, one instance), so the last id is tried first.
    private mutating func id(for bytes: UnsafeBufferPointer<UInt8>) -> UInt32 {
        if let lastID, entryBytes[Int(lastID)].elementsEqual(bytes) { return lastID }
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        if let candidates = idsByHash[hash] {
            for id in candidates where entryBytes[Int(id)].elementsEqual(bytes) {
                lastID = id
                return id
            }
        }
        let id = UInt32(dictionary.count)
        entryBytes.append(Array(bytes))
        dictionary.append(String(decoding: bytes, as: UTF8.self))
        idsByHash[hash, default: []].append(id)
        lastID = id
        return id
    }

    /// Each dictionary entry's rank in String order (the order `samples` sorts a whole-history
    /// scan by).
    func ranks() -> [Int32] {
        var rank = [Int32](repeating: 0, count: dictionary.count)
        for (r, id) in dictionary.indices.sorted(by: { dictionary[$0] < dictionary[$1] }).enumerated() { rank[id] = Int32(r) }
        return rank
    }

    /// Per dictionary entry: whether it is one of `values`, byte for byte, as SQL's `IN`
    /// compares them (String equality would also match another spelling of the same text).
    func accepting(_ values: Set<String>) -> [Bool] {
        entryBytes.map { bytes in values.contains { $0.utf8.elementsEqual(bytes) } }
    }

    /// Drops the first `k` rows.
    mutating func dropFirst(_ k: Int) {
        switch storage {
        case .integer: integers.removeFirst(k)
        case .double: doubles.removeFirst(k)
        case .text:
            let rows = ids.count - k
            if nullCount == 0 {
                ids.removeFirst(k)
                nullBits = [UInt64](repeating: 0, count: (rows + 63) / 64)
            } else {
                compact((0..<ids.count).map { $0 >= k })
            }
        }
    }

    mutating func compact(_ keep: [Bool]) {
        switch storage {
        case .integer: integers = SQLiteSampleColumnCache.compacted(integers, keep)
        case .double: doubles = SQLiteSampleColumnCache.compacted(doubles, keep)
        case .text:
            var bits: [UInt64] = []
            var nulls = 0
            var row = 0
            for p in keep.indices where keep[p] {
                if row & 63 == 0 { bits.append(0) }
                if isNull(p) {
                    bits[row >> 6] |= 1 << UInt64(row & 63)
                    nulls += 1
                }
                row += 1
            }
            ids = SQLiteSampleColumnCache.compacted(ids, keep)
            nullBits = bits
            nullCount = nulls
        }
    }

    /// The vector for `positions` (nil: all rows as held).
    func vector(_ positions: [Int32]?) -> SampleVector {
        guard let positions else {
            switch storage {
            case .integer: return .integers(integers)
            case .double: return .doubles(doubles)
            case .text: return .texts(ids: ids, dictionary: dictionary, nullBits: nullCount > 0 ? nullBits : nil)
            }
        }
        switch storage {
        case .integer: return .integers(positions.map { integers[Int($0)] })
        case .double: return .doubles(positions.map { doubles[Int($0)] })
        case .text:
            var bits: [UInt64]?
            if nullCount > 0 {
                var gathered = [UInt64](repeating: 0, count: (positions.count + 63) / 64)
                for (row, p) in positions.enumerated() where isNull(Int(p)) { gathered[row >> 6] |= 1 << UInt64(row & 63) }
                bits = gathered
            }
            return .texts(ids: positions.map { ids[Int($0)] }, dictionary: dictionary, nullBits: bits)
        }
    }
}
