import PoolSQLCore

/// Configuration of an embedded PoolSQL engine.
public struct EngineConfiguration: Sendable {
    /// Where the engine keeps persistent state (views, history, settings). `nil`: in memory only.
    public var dataDirectory: String?

    public init(dataDirectory: String? = nil) {
        self.dataDirectory = dataDirectory
    }
}

/// The PoolSQL engine: owns the pools, the settings and the catalog of virtual tables. One engine
/// per process is typical; sessions are cheap.
public final class Engine: Sendable {
    public let configuration: EngineConfiguration

    public init(configuration: EngineConfiguration = .init()) throws(PoolSQLError) {
        self.configuration = configuration
    }

    /// A new session with its own session-level settings.
    public func makeSession() -> Session {
        Session(engine: self)
    }

    /// Closes every pool. The engine must not be used afterwards.
    public func shutdown() {}
}
