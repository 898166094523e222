import PoolSQLCatalog
import PoolSQLCore
import PoolSQLStore

/// The filters the metrics history tables hand to the store: comparisons (`=`, `<`, `<=`, `>`,
/// `>=`) on the time column, and `=` / `IN` on `pool_name`, `environment` and `instance_id`.
/// The store applies them exactly (its contract), so the planner drops them and may push a
/// LIMIT too; every other filter is applied by the engine above the scan.
struct MetricsQueryPushdown {
    /// Schema positions of the time column and the identifying text columns.
    let timeColumn: Int
    let poolColumn: Int
    let environmentColumn: Int
    let instanceColumn: Int

    func supports(_ filter: ScanFilter) -> FilterPushdown {
        if filter.column == timeColumn {
            switch filter.op {
            case .equal, .less, .lessOrEqual, .greater, .greaterOrEqual:
                if case .timestamp = filter.value { return .exact }
                return .unsupported
            default:
                return .unsupported
            }
        }
        guard [poolColumn, environmentColumn, instanceColumn].contains(filter.column) else { return .unsupported }
        switch (filter.op, filter.value) {
        case (.equal, .text):
            return .exact
        case let (.in, .array(values)) where values.allSatisfy({ v in
            if case .text = v { return true }
            return v.isNull
        }):
            return .exact
        default:
            return .unsupported
        }
    }

    /// The store query for the scan's filters (all ANDed) and limit.
    func query(_ request: ScanRequest) -> MetricsQuery {
        var query = MetricsQuery(limit: request.limit)
        func narrow(_ set: inout Set<String>?, to values: Set<String>) {
            set = set.map { $0.intersection(values) } ?? values
        }
        for filter in request.filters {
            if filter.column == timeColumn, case let .timestamp(t) = filter.value {
                let bound = t.with(kind: .timestamptz)
                switch filter.op {
                case .equal:
                    raiseLower(&query, bound, inclusive: true)
                    lowerUpper(&query, bound, inclusive: true)
                case .greater: raiseLower(&query, bound, inclusive: false)
                case .greaterOrEqual: raiseLower(&query, bound, inclusive: true)
                case .less: lowerUpper(&query, bound, inclusive: false)
                case .lessOrEqual: lowerUpper(&query, bound, inclusive: true)
                default: break
                }
                continue
            }
            let values: Set<String>
            switch filter.value {
            case let .text(text): values = [text]
            case let .array(items): values = Set(items.compactMap { if case let .text(t) = $0 { return t } else { return nil } })
            default: continue
            }
            switch filter.column {
            case poolColumn: narrow(&query.poolNames, to: values)
            case environmentColumn: narrow(&query.environments, to: values)
            case instanceColumn: narrow(&query.instanceIDs, to: values)
            default: break
            }
        }
        return query
    }

    /// The tighter of the query's lower bound and `bound`.
    private func raiseLower(_ query: inout MetricsQuery, _ bound: Timestamp, inclusive: Bool) {
        if let from = query.from {
            if bound < from { return }
            if bound == from { query.fromInclusive = query.fromInclusive && inclusive; return }
        }
        query.from = bound
        query.fromInclusive = inclusive
    }

    /// The tighter of the query's upper bound and `bound`.
    private func lowerUpper(_ query: inout MetricsQuery, _ bound: Timestamp, inclusive: Bool) {
        if let to = query.to {
            if bound > to { return }
            if bound == to { query.toInclusive = query.toInclusive && inclusive; return }
        }
        query.to = bound
        query.toInclusive = inclusive
    }
}
