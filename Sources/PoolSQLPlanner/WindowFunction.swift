import PoolSQLCore
import PoolSQLSyntax

/// The window functions the executor computes.
public enum WindowFunction: Sendable {
    case rowNumber
    case rank
    case denseRank
    case lag
    case lead
    case firstValue
    case lastValue
    case nthValue
    case ntile
    case percentRank
    case cumeDist
    /// An aggregate over the window frame (`sum(x) OVER (…)`).
    case aggregate(AggregateCall)

    public var name: String {
        switch self {
        case .rowNumber: return "row_number"
        case .rank: return "rank"
        case .denseRank: return "dense_rank"
        case .lag: return "lag"
        case .lead: return "lead"
        case .firstValue: return "first_value"
        case .lastValue: return "last_value"
        case .nthValue: return "nth_value"
        case .ntile: return "ntile"
        case .percentRank: return "percent_rank"
        case .cumeDist: return "cume_dist"
        case let .aggregate(call): return call.function == .countStar ? "count" : call.function.rawValue
        }
    }
}
