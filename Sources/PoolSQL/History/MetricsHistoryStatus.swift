import PoolSQLCore
import PoolSQLStore

/// How the metrics history is doing, for `connection_pool_metrics_status` and the reports of a
/// slow or failing store.
public struct MetricsHistoryStatus: Sendable, Hashable {
    /// Whether the background sampler, writer and maintenance threads run
    /// (`EngineConfiguration.metricsSampling`).
    public var sampling: Bool = false
    /// Samples taken and not yet written.
    public var queuedSamples: Int = 0
    /// Samples removed from a full queue before they could be written.
    public var droppedSamples: Int = 0
    /// Samples written to the store by this engine.
    public var writtenSamples: Int = 0
    public var lastSampleAt: Timestamp?
    public var lastWriteAt: Timestamp?
    /// The error of the last failed write, until a write succeeds again.
    public var lastWriteError: String?
    /// When the current run of failed writes began; nil while writes succeed.
    public var failingSince: Timestamp?
    public var lastMaintenanceAt: Timestamp?
    public var lastMaintenanceError: String?
    public var lastMaintenance: MaintenanceReport?

    public init() {}
}
