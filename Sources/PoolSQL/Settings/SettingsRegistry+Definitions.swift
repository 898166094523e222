import PoolSQLCore
import PoolSQLPool

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
            poolOption: "server_selection_timeout_ms", uriOption: "serverselectiontimeoutms", applies: .newConnections),
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
            poolOption: "connect_timeout_ms", uriOption: "connecttimeoutms", applies: .newConnections),
        SettingDefinition(
            name: "connection_pool_socket_timeout", kind: .duration(minMS: 0, maxMS: 86_400_000),
            defaultValue: .milliseconds(0), unit: "ms",
            description: "Timeout for a send or receive on a connection; 0 means none (socketTimeoutMS).",
            poolOption: "socket_timeout_ms", uriOption: "sockettimeoutms", applies: .newConnections),
        SettingDefinition(
            name: "connection_pool_heartbeat_frequency", kind: .duration(minMS: 500, maxMS: 3_600_000),
            defaultValue: .milliseconds(10_000), unit: "ms",
            description: "Interval between server monitoring checks (heartbeatFrequencyMS).",
            poolOption: "heartbeat_frequency_ms", uriOption: "heartbeatfrequencyms", applies: .newConnections),
        SettingDefinition(
            name: "connection_pool_app_name", kind: .text, defaultValue: .text("poolsql"),
            description: "Application name sent in the connection handshake (appname); servers show it in currentOp.",
            poolOption: "app_name", uriOption: "appname", applies: .newConnections),
        SettingDefinition(
            name: "connection_pool_read_preference",
            kind: .enumeration(["primary", "primaryPreferred", "secondary", "secondaryPreferred", "nearest"]),
            defaultValue: .text("primary"),
            description: "Which replica-set members reads go to (readPreference).",
            poolOption: "read_preference", uriOption: "readpreference", applies: .newConnections),
        SettingDefinition(
            name: "connection_pool_health_check_interval", kind: .duration(minMS: 100, maxMS: 86_400_000),
            defaultValue: .milliseconds(30_000), unit: "ms",
            description: "Interval between ping health checks of each pool.",
            poolOption: "health_check_interval_ms"),
        SettingDefinition(
            name: "connection_pool_event_buffer_size", kind: .integer(min: 0, max: 1_000_000), defaultValue: .integer(1000),
            description: "Events each pool keeps for connection_pool_events (oldest dropped first); 0 keeps none. Subscribers still get every event."),
        SettingDefinition(
            name: "connection_pool_read_concern_level",
            kind: .enumeration([""] + PoolOptions.readConcernLevels), defaultValue: .text(""),
            description: "Read concern level of reads (readConcernLevel); '' leaves the server's default.",
            poolOption: "read_concern_level", uriOption: "readconcernlevel", applies: .newConnections),
        SettingDefinition(
            name: "connection_pool_write_concern", kind: .text, defaultValue: .text(""),
            description: "Write concern w: a number of members, majority, or a tag set name (w); '' leaves the server's default.",
            poolOption: "write_concern", uriOption: "w", applies: .newConnections),
        SettingDefinition(
            name: "connection_pool_journal", kind: .optionalBoolean, defaultValue: .text(""),
            description: "Whether writes wait for the journal (journal, write concern j); '' leaves the server's default.",
            poolOption: "journal", uriOption: "journal", applies: .newConnections),
        SettingDefinition(
            name: "connection_pool_retry_writes", kind: .boolean, defaultValue: .boolean(true),
            description: "Retry a failed retryable write once (retryWrites).",
            poolOption: "retry_writes", uriOption: "retrywrites", applies: .newConnections),
        SettingDefinition(
            name: "connection_pool_retry_reads", kind: .boolean, defaultValue: .boolean(true),
            description: "Retry a failed retryable read once (retryReads).",
            poolOption: "retry_reads", uriOption: "retryreads", applies: .newConnections),
        SettingDefinition(
            name: "connection_pool_compressors", kind: .text, defaultValue: .text(""),
            description: "Wire compressors in order of preference, comma-separated: snappy, zlib, zstd (compressors); '' for none.",
            poolOption: "compressors", uriOption: "compressors", applies: .newConnections),
        SettingDefinition(
            name: "connection_pool_tls", kind: .boolean, defaultValue: .boolean(false),
            description: "Connect with TLS (tls, also ssl).",
            poolOption: "tls", uriOption: "tls", uriOptionAliases: ["ssl"], applies: .newConnections),
        SettingDefinition(
            name: "connection_pool_tls_ca_file", kind: .text, defaultValue: .text(""),
            description: "PEM file of the certificate authorities to trust (tlsCAFile); '' uses the system's.",
            poolOption: "tls_ca_file", uriOption: "tlscafile", applies: .newConnections),
        SettingDefinition(
            name: "connection_pool_tls_certificate_key_file", kind: .text, defaultValue: .text(""),
            description: "PEM file with the client certificate and key (tlsCertificateKeyFile); '' for none.",
            poolOption: "tls_certificate_key_file", uriOption: "tlscertificatekeyfile", applies: .newConnections),
        SettingDefinition(
            name: "connection_pool_tls_allow_invalid_certificates", kind: .boolean, defaultValue: .boolean(false),
            description: "Accept server certificates that do not verify (tlsAllowInvalidCertificates; tlsInsecure sets it too). Unsafe outside tests.",
            poolOption: "tls_allow_invalid_certificates", uriOption: "tlsallowinvalidcertificates",
            uriOptionAliases: ["tlsinsecure"], applies: .newConnections),
        SettingDefinition(
            name: "connection_pool_tls_allow_invalid_hostnames", kind: .boolean, defaultValue: .boolean(false),
            description: "Accept server certificates issued for another host name (tlsAllowInvalidHostnames; tlsInsecure sets it too). Unsafe outside tests.",
            poolOption: "tls_allow_invalid_hostnames", uriOption: "tlsallowinvalidhostnames",
            uriOptionAliases: ["tlsinsecure"], applies: .newConnections),
        SettingDefinition(
            name: "metrics_store", kind: .text, defaultValue: .text("local"),
            description: "Where the metrics history is kept: 'local' (this engine's store) or 'mongodb://host:port/dbname' to share one MongoDB database with other instances (shown with the password as ****)."),
        // The metrics history (connection_pool_metrics and its rollups).
        SettingDefinition(
            name: "metrics_sample_interval", kind: .duration(minMS: 1000, maxMS: 86_400_000), defaultValue: .milliseconds(10_000),
            unit: "ms", description: "How often each pool's metrics are sampled into connection_pool_metrics; a change applies from the next tick."),
        SettingDefinition(
            name: "metrics_retention", kind: .duration(minMS: 1000, maxMS: 36_500 * 86_400_000), defaultValue: .milliseconds(7 * 86_400_000),
            unit: "ms", description: "How long raw samples (connection_pool_metrics) are kept; older ones are deleted in small batches."),
        SettingDefinition(
            name: "metrics_rollup_retention", kind: .duration(minMS: 1000, maxMS: 36_500 * 86_400_000), defaultValue: .milliseconds(365 * 86_400_000),
            unit: "ms", description: "How long hourly and daily rollups (connection_pool_metrics_hourly, _daily) are kept."),
        SettingDefinition(
            name: "metrics_store_max_size", kind: .text, defaultValue: .text("1GB"),
            description: "Largest size of the metrics store ('500MB', '1GB', bytes; 0 for no limit); beyond it the oldest samples, then rollups, are deleted."),
        SettingDefinition(
            name: "metrics_cache_size", kind: .text, defaultValue: .text("256MB"),
            description: "Memory for columns of connection_pool_metrics kept between queries ('256MB', bytes; 0 for none): a query over the whole history loads them, later queries read only what changed since."),
    ] + recommendationDefinitions

    /// Thresholds of `connection_pool_recommendations`.
    static let recommendationDefinitions: [SettingDefinition] = [
        SettingDefinition(
            name: "recommendation_window", kind: .duration(minMS: 1000, maxMS: 604_800_000), defaultValue: .milliseconds(900_000),
            unit: "ms", description: "The recent window of connection_pool_metrics samples the recommendations judge a pool by."),
        SettingDefinition(
            name: "recommendation_min_samples", kind: .integer(min: 1, max: 100_000), defaultValue: .integer(3),
            description: "Samples a pool needs in the window before recommendations rely on them (fewer: live statistics are used)."),
        SettingDefinition(
            name: "recommendation_high_utilization", kind: .real(min: 0, max: 1), defaultValue: .real(0.9),
            description: "Connection utilization (0-1) above which raising max_pool_size is recommended."),
        SettingDefinition(
            name: "recommendation_low_utilization", kind: .real(min: 0, max: 1), defaultValue: .real(0.3),
            description: "Average connection utilization (0-1) over the window below which lowering max_pool_size is recommended."),
        SettingDefinition(
            name: "recommendation_scale_up_factor", kind: .real(min: 1, max: 10), defaultValue: .real(1.5),
            description: "Suggested max_pool_size when raising: the current one times this, rounded up."),
        SettingDefinition(
            name: "recommendation_scale_down_factor", kind: .real(min: 0.05, max: 1), defaultValue: .real(0.7),
            description: "Suggested max_pool_size when lowering: the current one times this, rounded up."),
        SettingDefinition(
            name: "recommendation_slow_operation_time", kind: .duration(minMS: 1, maxMS: 3_600_000), defaultValue: .milliseconds(2000),
            unit: "ms", description: "Average operation time above which a performance recommendation is made."),
        SettingDefinition(
            name: "recommendation_high_error_rate", kind: .real(min: 0, max: 1), defaultValue: .real(0.1),
            description: "Share of failed operations (0-1) above which a reliability recommendation is made."),
        SettingDefinition(
            name: "recommendation_checkout_wait", kind: .duration(minMS: 1, maxMS: 3_600_000), defaultValue: .milliseconds(100),
            unit: "ms", description: "Average checkout wait above which a pool-sizing recommendation is made (checkout timeouts always count)."),
        SettingDefinition(
            name: "recommendation_headroom_utilization", kind: .real(min: 0, max: 1), defaultValue: .real(0.7),
            description: "Peak utilization below which a load test that met its target shows the pool can take more concurrency."),
    ]
}
