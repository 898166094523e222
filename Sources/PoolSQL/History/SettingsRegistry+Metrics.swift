import PoolSQLCore
import PoolSQLStore

/// The `metrics_*` settings as the history uses them.
extension SettingsRegistry {
    private func milliseconds(_ name: String, default fallback: Int64) -> Int64 {
        guard let definition = try? SettingsRegistry.definition(named: name) else { return fallback }
        return value(of: definition).integerValue ?? fallback
    }

    /// `metrics_sample_interval`.
    var metricsSampleInterval: Duration {
        .milliseconds(max(1000, milliseconds("metrics_sample_interval", default: 10_000)))
    }

    /// `metrics_cache_size` in bytes (0: no column cache).
    var metricsCacheBytes: Int64 {
        guard let definition = try? SettingsRegistry.definition(named: "metrics_cache_size"),
              let text = value(of: definition).textValue, let bytes = ByteSizeText.parseBytes(text) else { return 0 }
        return max(bytes, 0)
    }

    /// Retention and size limit from `metrics_retention`, `metrics_rollup_retention` and
    /// `metrics_store_max_size`.
    var metricsRetentionPolicy: RetentionPolicy {
        var maxSize: Int64?
        if let definition = try? SettingsRegistry.definition(named: "metrics_store_max_size"),
           let text = value(of: definition).textValue, let bytes = ByteSizeText.parseBytes(text), bytes > 0 {
            maxSize = bytes
        }
        return RetentionPolicy(rawRetentionMicroseconds: milliseconds("metrics_retention", default: 7 * 86_400_000) * 1000,
                               rollupRetentionMicroseconds: milliseconds("metrics_rollup_retention", default: 365 * 86_400_000) * 1000,
                               maxSizeBytes: maxSize)
    }
}
