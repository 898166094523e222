import PoolSQLCatalog
import PoolSQLCore

/// The scan shared by the tables with rows per pool (`mongodb_connections`, `mongodb_servers`,
/// `connection_pool_events`): every column is computed by the table, so every filter is applied
/// exactly; filters on `pool_name` are checked before the pool is read at all, so
/// `WHERE pool_name = 'p'` takes one snapshot of one pool.
struct PoolRowScan<Source> {
    let columns: [VirtualColumn<Source>]
    /// The position of `pool_name` in `columns`.
    let poolNameColumn: Int

    func supportsFilter(_ filter: ScanFilter) -> FilterPushdown {
        filter.column < columns.count ? .exact : .unsupported
    }

    /// Rows of the pools in `pools` (in name order) that pass every filter. `sources` reads one
    /// pool (once per scan). With `orderedBy`, the matching rows of all pools are sorted (stably)
    /// before the limit is applied.
    func rows(_ request: ScanRequest, pools: [ManagedPool], sources: (ManagedPool) -> [Source],
              orderedBy areInIncreasingOrder: ((Source, Source) -> Bool)? = nil) -> [[Value]] {
        let poolNameFilters = request.filters.filter { $0.column == poolNameColumn }
        let otherFilters = request.filters.filter { $0.column != poolNameColumn }
        var matching: [Source] = []
        for managed in pools {
            if areInIncreasingOrder == nil, let limit = request.limit, matching.count >= limit { break }
            let name = Value.text(managed.configuration.name)
            guard poolNameFilters.allSatisfy({ $0.matches(name) }) else { continue }
            for source in sources(managed) {
                if areInIncreasingOrder == nil, let limit = request.limit, matching.count >= limit { break }
                if otherFilters.allSatisfy({ $0.column < columns.count && $0.matches(columns[$0.column].read(source)) }) {
                    matching.append(source)
                }
            }
        }
        if let areInIncreasingOrder {
            matching = matching.enumerated()
                .sorted { lhs, rhs in
                    if areInIncreasingOrder(lhs.element, rhs.element) { return true }
                    if areInIncreasingOrder(rhs.element, lhs.element) { return false }
                    return lhs.offset < rhs.offset
                }
                .map(\.element)
            if let limit = request.limit { matching = Array(matching.prefix(limit)) }
        }
        return matching.map { columns.row(for: $0, projection: request.projection) }
    }
}

extension Timestamp {
    /// Seconds from `self` to `later` (negative if `later` is earlier).
    func seconds(until later: Timestamp) -> Double {
        Double(later.microseconds - microseconds) / 1_000_000
    }
}

extension Optional where Wrapped == Int {
    var sqlValue: Value { map { .int(Int64($0)) } ?? .null }
}

extension Optional where Wrapped == Double {
    var sqlValue: Value { map(Value.double) ?? .null }
}

extension Optional where Wrapped == Timestamp {
    var sqlValue: Value { map(Value.timestamp) ?? .null }
}
