import PoolSQLCore
import PoolSQLPool

extension PoolOptions {
    /// Sets the field that the pool setting `definition` stands for.
    mutating func apply(_ definition: SettingDefinition, _ value: SettingValue) {
        switch (definition.name, value) {
        case let ("connection_pool_min_size", .integer(v)): minPoolSize = Int(v)
        case let ("connection_pool_max_size", .integer(v)): maxPoolSize = Int(v)
        case let ("connection_pool_idle_timeout", .milliseconds(v)): maxIdleTimeMS = Int(v)
        case let ("connection_pool_server_selection_timeout", .milliseconds(v)): serverSelectionTimeoutMS = Int(v)
        case let ("connection_pool_wait_queue_timeout", .milliseconds(v)): waitQueueTimeoutMS = Int(v)
        case let ("connection_pool_max_connecting", .integer(v)): maxConnecting = Int(v)
        case let ("connection_pool_connect_timeout", .milliseconds(v)): connectTimeoutMS = Int(v)
        case let ("connection_pool_socket_timeout", .milliseconds(v)): socketTimeoutMS = Int(v)
        case let ("connection_pool_heartbeat_frequency", .milliseconds(v)): heartbeatFrequencyMS = Int(v)
        case let ("connection_pool_app_name", .text(v)): appName = v.isEmpty ? nil : v
        case let ("connection_pool_read_preference", .text(v)): readPreference = v
        case let ("connection_pool_health_check_interval", .milliseconds(v)): healthCheckIntervalMS = Int(v)
        case let ("connection_pool_read_concern_level", .text(v)): readConcernLevel = v.isEmpty ? nil : v
        case let ("connection_pool_write_concern", .text(v)): writeConcernW = v.isEmpty ? nil : v
        case let ("connection_pool_journal", .boolean(v)): journal = v
        case ("connection_pool_journal", .text): journal = nil
        case let ("connection_pool_retry_writes", .boolean(v)): retryWrites = v
        case let ("connection_pool_retry_reads", .boolean(v)): retryReads = v
        case let ("connection_pool_compressors", .text(v)): compressors = v.isEmpty ? nil : v
        case let ("connection_pool_tls", .boolean(v)): tls = v
        case let ("connection_pool_tls_ca_file", .text(v)): tlsCAFile = v.isEmpty ? nil : v
        case let ("connection_pool_tls_certificate_key_file", .text(v)): tlsCertificateKeyFile = v.isEmpty ? nil : v
        case let ("connection_pool_tls_allow_invalid_certificates", .boolean(v)): tlsAllowInvalidCertificates = v
        case let ("connection_pool_tls_allow_invalid_hostnames", .boolean(v)): tlsAllowInvalidHostnames = v
        default: break
        }
    }
}
