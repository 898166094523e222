import PoolSQLCore

extension SettingsRegistry {
    /// Every setting PoolSQL knows. Pool settings are the defaults for every pool without a
    /// per-pool override; changing one applies to the live pools.
    public static let definitions: [SettingDefinition] = [
        SettingDefinition(
            name: "connection_pool_min_size", kind: .integer(min: 0, max: 10_000), defaultValue: .integer(0),
            description: "Connections each pool keeps open even when idle (minPoolSize).",
            poolOption: "min_pool_size", uriOption: "minpoolsize"),
        SettingDefinition(
            name: "connection_pool_max_size", kind: .integer(min: 1, max: 10_000), defaultValue: .integer(100),
            description: "Most connections a pool opens to one server (maxPoolSize).",
            poolOption: "max_pool_size", uriOption: "maxpoolsize"),
        SettingDefinition(
            name: "connection_pool_idle_timeout", kind: .duration(minMS: 0, maxMS: 86_400_000), defaultValue: .milliseconds(0),
            unit: "ms", description: "Close connections idle longer than this; 0 keeps them (maxIdleTimeMS).",
            poolOption: "idle_timeout_ms", uriOption: "maxidletimems"),
        SettingDefinition(
            name: "connection_pool_server_selection_timeout", kind: .duration(minMS: 1, maxMS: 3_600_000),
            defaultValue: .milliseconds(30_000), unit: "ms",
            description: "How long an operation waits for a suitable server (serverSelectionTimeoutMS).",
            poolOption: "server_selection_timeout_ms", uriOption: "serverselectiontimeoutms"),
        SettingDefinition(
            name: "connection_pool_wait_queue_timeout", kind: .duration(minMS: 0, maxMS: 3_600_000),
            defaultValue: .milliseconds(30_000), unit: "ms",
            description: "How long a checkout waits for a free connection before failing; 0 waits without limit (waitQueueTimeoutMS).",
            poolOption: "wait_queue_timeout_ms", uriOption: "waitqueuetimeoutms"),
        SettingDefinition(
            name: "connection_pool_max_connecting", kind: .integer(min: 1, max: 1000), defaultValue: .integer(2),
            description: "Most connections a pool establishes at the same time (maxConnecting).",
            poolOption: "max_connecting", uriOption: "maxconnecting"),
        SettingDefinition(
            name: "connection_pool_connect_timeout", kind: .duration(minMS: 1, maxMS: 3_600_000),
            defaultValue: .milliseconds(10_000), unit: "ms",
            description: "Timeout for opening one connection (connectTimeoutMS).",
            poolOption: "connect_timeout_ms", uriOption: "connecttimeoutms"),
        SettingDefinition(
            name: "connection_pool_socket_timeout", kind: .duration(minMS: 0, maxMS: 86_400_000),
            defaultValue: .milliseconds(0), unit: "ms",
            description: "Timeout for a send or receive on a connection; 0 means none (socketTimeoutMS).",
            poolOption: "socket_timeout_ms", uriOption: "sockettimeoutms"),
        SettingDefinition(
            name: "connection_pool_heartbeat_frequency", kind: .duration(minMS: 500, maxMS: 3_600_000),
            defaultValue: .milliseconds(10_000), unit: "ms",
            description: "Interval between server monitoring checks (heartbeatFrequencyMS).",
            poolOption: "heartbeat_frequency_ms", uriOption: "heartbeatfrequencyms"),
        SettingDefinition(
            name: "connection_pool_app_name", kind: .text, defaultValue: .text("poolsql"),
            description: "Application name sent in the connection handshake (appname); servers show it in currentOp.",
            poolOption: "app_name", uriOption: "appname"),
        SettingDefinition(
            name: "connection_pool_read_preference",
            kind: .enumeration(["primary", "primaryPreferred", "secondary", "secondaryPreferred", "nearest"]),
            defaultValue: .text("primary"),
            description: "Which replica-set members reads go to (readPreference).",
            poolOption: "read_preference", uriOption: "readpreference"),
        SettingDefinition(
            name: "connection_pool_health_check_interval", kind: .duration(minMS: 100, maxMS: 86_400_000),
            defaultValue: .milliseconds(30_000), unit: "ms",
            description: "Interval between ping health checks of each pool.",
            poolOption: "health_check_interval_ms"),
    ]
}
