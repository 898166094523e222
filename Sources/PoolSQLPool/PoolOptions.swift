import PoolSQLCore

/// The effective settings of one pool. The façade resolves where each value comes from
/// (per-pool option > URI option > session `SET` default > built-in default, the `init()`
/// values below) and hands the pool the result; `MongoPool.update(options:)` applies a new set live.
///
/// Durations are milliseconds; `0` means "no limit" where noted, as in the MongoDB URI spec.
public struct PoolOptions: Sendable, Hashable {
    /// Connections the maintenance thread keeps open even when idle.
    public var minPoolSize: Int
    /// Most connections (in use + idle + being opened); `0` means unlimited.
    public var maxPoolSize: Int
    /// Idle connections older than this are closed; `0` keeps them forever.
    public var maxIdleTimeMS: Int
    /// How long a checkout waits for a free connection before failing; `0` waits without limit.
    public var waitQueueTimeoutMS: Int
    /// How long to look for a usable server before an operation or connection attempt fails.
    public var serverSelectionTimeoutMS: Int
    /// Most connections being opened at the same time.
    public var maxConnecting: Int
    /// TCP connect + handshake timeout for a new connection.
    public var connectTimeoutMS: Int
    /// Per-operation socket read/write timeout; `0` means none.
    public var socketTimeoutMS: Int
    /// How often a connection re-checks its server (libmongoc minimum 500).
    public var heartbeatFrequencyMS: Int
    /// Sent to the server in the handshake; shows up in `currentOp` and server logs.
    public var appName: String?
    /// `primary`, `primaryPreferred`, `secondary`, `secondaryPreferred` or `nearest`.
    public var readPreference: String
    /// How often the pool pings its server for `healthStatus`; `0` turns periodic checks off
    /// (the check at creation and `checkHealth()` still run).
    public var healthCheckIntervalMS: Int
    /// `local`, `available`, `majority`, `linearizable` or `snapshot`; nil leaves the server's default.
    public var readConcernLevel: String?
    /// Write concern `w`: a number or a tag such as `majority`; nil leaves the server's default.
    public var writeConcernW: String?
    /// Write concern `journal` (`j`); nil leaves the server's default.
    public var journal: Bool?
    public var retryWrites: Bool
    public var retryReads: Bool
    /// Wire compressors in order of preference, comma-separated (`zstd,zlib,snappy`); nil = none.
    public var compressors: String?
    public var tls: Bool
    public var tlsCAFile: String?
    public var tlsCertificateKeyFile: String?
    public var tlsAllowInvalidCertificates: Bool
    public var tlsAllowInvalidHostnames: Bool

    public init(
        minPoolSize: Int = 0,
        maxPoolSize: Int = 100,
        maxIdleTimeMS: Int = 0,
        waitQueueTimeoutMS: Int = 0,
        serverSelectionTimeoutMS: Int = 30_000,
        maxConnecting: Int = 2,
        connectTimeoutMS: Int = 10_000,
        socketTimeoutMS: Int = 0,
        heartbeatFrequencyMS: Int = 10_000,
        appName: String? = nil,
        readPreference: String = "primary",
        healthCheckIntervalMS: Int = 30_000,
        readConcernLevel: String? = nil,
        writeConcernW: String? = nil,
        journal: Bool? = nil,
        retryWrites: Bool = true,
        retryReads: Bool = true,
        compressors: String? = nil,
        tls: Bool = false,
        tlsCAFile: String? = nil,
        tlsCertificateKeyFile: String? = nil,
        tlsAllowInvalidCertificates: Bool = false,
        tlsAllowInvalidHostnames: Bool = false
    ) {
        self.minPoolSize = minPoolSize
        self.maxPoolSize = maxPoolSize
        self.maxIdleTimeMS = maxIdleTimeMS
        self.waitQueueTimeoutMS = waitQueueTimeoutMS
        self.serverSelectionTimeoutMS = serverSelectionTimeoutMS
        self.maxConnecting = maxConnecting
        self.connectTimeoutMS = connectTimeoutMS
        self.socketTimeoutMS = socketTimeoutMS
        self.heartbeatFrequencyMS = heartbeatFrequencyMS
        self.appName = appName
        self.readPreference = readPreference
        self.healthCheckIntervalMS = healthCheckIntervalMS
        self.readConcernLevel = readConcernLevel
        self.writeConcernW = writeConcernW
        self.journal = journal
        self.retryWrites = retryWrites
        self.retryReads = retryReads
        self.compressors = compressors
        self.tls = tls
        self.tlsCAFile = tlsCAFile
        self.tlsCertificateKeyFile = tlsCertificateKeyFile
        self.tlsAllowInvalidCertificates = tlsAllowInvalidCertificates
        self.tlsAllowInvalidHostnames = tlsAllowInvalidHostnames
    }

    public static let readConcernLevels = ["local", "available", "majority", "linearizable", "snapshot"]
    public static let compressorNames = ["snappy", "zlib", "zstd"]

    /// The read preference modes, in their canonical spelling.
    public static let readPreferenceModes = ["primary", "primaryPreferred", "secondary", "secondaryPreferred", "nearest"]

    /// Throws a 22023 error naming the first inconsistent or out-of-range setting.
    public func validate() throws {
        func require(_ condition: Bool, _ message: @autoclosure () -> String) throws {
            if !condition { throw PoolSQLError(.invalidParameterValue, message()) }
        }
        try require(minPoolSize >= 0, "minPoolSize must not be negative (got \(minPoolSize))")
        try require(maxPoolSize >= 0, "maxPoolSize must not be negative (got \(maxPoolSize))")
        try require(maxPoolSize == 0 || minPoolSize <= maxPoolSize,
                    "minPoolSize (\(minPoolSize)) must not exceed maxPoolSize (\(maxPoolSize))")
        try require(maxIdleTimeMS >= 0, "maxIdleTimeMS must not be negative (got \(maxIdleTimeMS))")
        try require(waitQueueTimeoutMS >= 0, "waitQueueTimeoutMS must not be negative (got \(waitQueueTimeoutMS))")
        try require(serverSelectionTimeoutMS >= 1, "serverSelectionTimeoutMS must be at least 1 (got \(serverSelectionTimeoutMS))")
        try require(maxConnecting >= 1, "maxConnecting must be at least 1 (got \(maxConnecting))")
        try require(connectTimeoutMS >= 1, "connectTimeoutMS must be at least 1 (got \(connectTimeoutMS))")
        try require(socketTimeoutMS >= 0, "socketTimeoutMS must not be negative (got \(socketTimeoutMS))")
        try require(heartbeatFrequencyMS >= 500, "heartbeatFrequencyMS must be at least 500 (got \(heartbeatFrequencyMS))")
        try require(healthCheckIntervalMS >= 0, "healthCheckIntervalMS must not be negative (got \(healthCheckIntervalMS))")
        for (name, value) in [("minPoolSize", minPoolSize), ("maxPoolSize", maxPoolSize), ("maxIdleTimeMS", maxIdleTimeMS),
                              ("waitQueueTimeoutMS", waitQueueTimeoutMS), ("serverSelectionTimeoutMS", serverSelectionTimeoutMS),
                              ("maxConnecting", maxConnecting), ("connectTimeoutMS", connectTimeoutMS),
                              ("socketTimeoutMS", socketTimeoutMS), ("heartbeatFrequencyMS", heartbeatFrequencyMS),
                              ("healthCheckIntervalMS", healthCheckIntervalMS)] {
            try require(value <= Int(Int32.max), "\(name) is too large (got \(value); at most \(Int32.max))")
        }
        if let appName {
            try require(appName.utf8.count <= 128, "appName must be at most 128 bytes (got \(appName.utf8.count))")
        }
        if let readConcernLevel {
            try require(PoolOptions.readConcernLevels.contains(readConcernLevel),
                        "readConcernLevel must be one of \(PoolOptions.readConcernLevels.joined(separator: ", ")) (got \"\(readConcernLevel)\")")
        }
        if let writeConcernW {
            try require(!writeConcernW.isEmpty && (Int(writeConcernW).map { $0 >= 0 } ?? true),
                        "w must be a non-negative number or a tag such as majority (got \"\(writeConcernW)\")")
            try require(!(writeConcernW == "0" && journal == true), "w=0 cannot be combined with journal=true")
        }
        if let compressors {
            for name in compressors.split(separator: ",") {
                try require(PoolOptions.compressorNames.contains(String(name)),
                            "unknown compressor \"\(name)\" (use \(PoolOptions.compressorNames.joined(separator: ", ")))")
            }
        }
        try require(PoolOptions.canonicalReadPreference(readPreference) != nil,
                    "readPreference must be one of \(PoolOptions.readPreferenceModes.joined(separator: ", ")) (got \"\(readPreference)\")")
    }

    static func canonicalReadPreference(_ text: String) -> String? {
        readPreferenceModes.first { $0.lowercased() == text.lowercased() }
    }
}
