import PoolSQLCore

/// One row of `connection_pool_recommendations`: a finding about a pool and what to change.
public struct Recommendation: Sendable, Hashable {
    public enum Category: String, Sendable, Hashable, CaseIterable {
        case poolSizing = "pool_sizing"
        case performance
        case reliability
        case health
        case scaling
    }

    public enum Priority: String, Sendable, Hashable, CaseIterable, Comparable {
        case critical, high, medium, low, info

        /// 1 (critical) … 5 (info), for `ORDER BY priority_rank`.
        public var rank: Int {
            switch self {
            case .critical: return 1
            case .high: return 2
            case .medium: return 3
            case .low: return 4
            case .info: return 5
            }
        }

        public static func < (lhs: Priority, rhs: Priority) -> Bool { lhs.rank < rhs.rank }
    }

    public var poolName: String
    public var category: Category
    public var priority: Priority
    /// Which rule made it: `raise_max_pool_size`, `lower_max_pool_size`, `slow_operations`,
    /// `high_error_rate`, `load_test_errors`, `unhealthy`, `health_degraded`, `health_flapping`,
    /// `checkout_waits`, `more_concurrency`, `pool_disabled`, `no_issues`.
    public var rule: String
    public var message: String
    public var currentValue: String?
    public var suggestedValue: String?
    /// Which metrics over which window the finding rests on.
    public var evidence: String

    public init(poolName: String, category: Category, priority: Priority, rule: String, message: String,
                currentValue: String? = nil, suggestedValue: String? = nil, evidence: String) {
        self.poolName = poolName
        self.category = category
        self.priority = priority
        self.rule = rule
        self.message = message
        self.currentValue = currentValue
        self.suggestedValue = suggestedValue
        self.evidence = evidence
    }
}
