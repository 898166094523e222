import PoolSQLCore
import PoolSQLPlanner

extension AggregateExec {
    /// `sketch_percentile(sketch, fraction)`: the quantile of the merged sketches of the group's
    /// rows (NULL sketches skipped; NULL when there are none or they hold no values). The
    /// fraction is the first row's, as for percentile_disc.
    static func sketchPercentile(_ rows: [(arguments: [Value], keys: [Value])]) throws(PoolSQLError) -> Value {
        var merged = LatencySketch()
        var fraction: Double?
        for row in rows {
            guard row.arguments.count == 2, case let .text(text) = row.arguments[0] else { continue }
            merged.merge(try LatencySketch(encoded: text))
            if fraction == nil {
                switch row.arguments[1] {
                case let .double(d): fraction = d
                case .null: return .null
                default: fraction = row.arguments[1].asDouble
                }
            }
        }
        guard let fraction else { return .null }
        guard fraction >= 0, fraction <= 1 else {
            throw PoolSQLError(.numericValueOutOfRange, "percentile value \(Value.formatDouble(fraction)) is not between 0 and 1")
        }
        return merged.quantile(fraction).map(Value.double) ?? .null
    }
}
