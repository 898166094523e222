import PoolSQLCore

/// The `recommendation_*` settings as the rules use them.
struct RecommendationThresholds: Sendable, Hashable {
    var windowMilliseconds: Int64 = 900_000
    var minimumSamples = 3
    var highUtilization = 0.9
    var lowUtilization = 0.3
    var scaleUpFactor = 1.5
    var scaleDownFactor = 0.7
    var slowOperationMS = 2000.0
    var highErrorRate = 0.1
    var checkoutWaitMS = 100.0
    var headroomUtilization = 0.7

    init() {}

    /// The values in effect in `settings`.
    init(settings: SettingsRegistry) {
        func value(_ name: String) -> SettingValue? {
            guard let definition = SettingsRegistry.definitions.first(where: { $0.name == name }) else { return nil }
            return settings.value(of: definition)
        }
        func real(_ name: String, _ fallback: Double) -> Double {
            switch value(name) {
            case let .real(r)?: return r
            case let .integer(i)?, let .milliseconds(i)?: return Double(i)
            default: return fallback
            }
        }
        windowMilliseconds = value("recommendation_window")?.integerValue ?? windowMilliseconds
        minimumSamples = Int(value("recommendation_min_samples")?.integerValue ?? Int64(minimumSamples))
        highUtilization = real("recommendation_high_utilization", highUtilization)
        lowUtilization = real("recommendation_low_utilization", lowUtilization)
        scaleUpFactor = real("recommendation_scale_up_factor", scaleUpFactor)
        scaleDownFactor = real("recommendation_scale_down_factor", scaleDownFactor)
        slowOperationMS = real("recommendation_slow_operation_time", slowOperationMS)
        highErrorRate = real("recommendation_high_error_rate", highErrorRate)
        checkoutWaitMS = real("recommendation_checkout_wait", checkoutWaitMS)
        headroomUtilization = real("recommendation_headroom_utilization", headroomUtilization)
    }

    /// `15min`, as the evidence names the window.
    var windowText: String { DurationText.format(milliseconds: windowMilliseconds) }
}
