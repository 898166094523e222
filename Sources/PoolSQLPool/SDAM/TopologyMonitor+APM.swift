import CMongoC
import PoolSQLCore

/// The libmongoc APM (SDAM) callbacks of the monitor's `mongoc_client_pool_t`.
///
/// They are C function pointers (`@convention(c)` closures that capture nothing); the queue they
/// feed comes in as the APM context pointer (an `Unmanaged<MonitorEventQueue>` the monitor keeps
/// retained for as long as the C pool exists). libmongoc calls them on its monitoring threads
/// with its topology lock held, so each one only reads the event's fields, copies them into a
/// `MonitorEvent` and enqueues it.
extension TopologyMonitor {
    /// A new callbacks object with every SDAM callback set; the caller destroys it after handing
    /// it to `mongoc_client_pool_set_apm_callbacks` (which copies it).
    static func makeAPMCallbacks() -> OpaquePointer? {
        guard let callbacks = mongoc_apm_callbacks_new() else { return nil }
        mongoc_apm_set_server_opening_cb(callbacks) { event in
            guard let event, let queue = MonitorEventQueue.from(context: mongoc_apm_server_opening_get_context(event)) else { return }
            queue.enqueue(.serverOpening(APMCopy.address(mongoc_apm_server_opening_get_host(event)), at: .now()))
        }
        mongoc_apm_set_server_closed_cb(callbacks) { event in
            guard let event, let queue = MonitorEventQueue.from(context: mongoc_apm_server_closed_get_context(event)) else { return }
            queue.enqueue(.serverClosed(APMCopy.address(mongoc_apm_server_closed_get_host(event)), at: .now()))
        }
        mongoc_apm_set_server_changed_cb(callbacks) { event in
            guard let event, let queue = MonitorEventQueue.from(context: mongoc_apm_server_changed_get_context(event)) else { return }
            let current = mongoc_apm_server_changed_get_new_description(event)
            let newType = APMCopy.serverType(current)
            let rtt = current.map { mongoc_server_description_round_trip_time($0) } ?? -1
            var hello: String?
            if newType != "Unknown", let current, let reply = mongoc_server_description_hello_response(current) {
                hello = BSONDocument.relaxedJSON(reply)
            }
            queue.enqueue(.serverChanged(APMCopy.address(mongoc_apm_server_changed_get_host(event)), at: .now(),
                                         newType: newType,
                                         roundTripTimeMS: rtt >= 0 ? Double(rtt) : nil, helloJSON: hello))
        }
        mongoc_apm_set_topology_changed_cb(callbacks) { event in
            guard let event, let queue = MonitorEventQueue.from(context: mongoc_apm_topology_changed_get_context(event)) else { return }
            queue.enqueue(.topologyChanged(at: .now(), newType: APMCopy.topologyType(mongoc_apm_topology_changed_get_new_description(event))))
        }
        mongoc_apm_set_server_heartbeat_succeeded_cb(callbacks) { event in
            guard let event, let queue = MonitorEventQueue.from(context: mongoc_apm_server_heartbeat_succeeded_get_context(event)) else { return }
            queue.enqueue(.heartbeatSucceeded(APMCopy.address(mongoc_apm_server_heartbeat_succeeded_get_host(event)), at: .now(),
                                              durationMicroseconds: mongoc_apm_server_heartbeat_succeeded_get_duration(event)))
        }
        mongoc_apm_set_server_heartbeat_failed_cb(callbacks) { event in
            guard let event, let queue = MonitorEventQueue.from(context: mongoc_apm_server_heartbeat_failed_get_context(event)) else { return }
            var error = bson_error_t()
            mongoc_apm_server_heartbeat_failed_get_error(event, &error)
            queue.enqueue(.heartbeatFailed(APMCopy.address(mongoc_apm_server_heartbeat_failed_get_host(event)), at: .now(),
                                           durationMicroseconds: mongoc_apm_server_heartbeat_failed_get_duration(event),
                                           error: DriverError(error)))
        }
        return callbacks
    }
}

/// Copies values out of libmongoc structures (only valid during the callback) into Swift values.
enum APMCopy {
    static func address(_ host: UnsafePointer<mongoc_host_list_t>?) -> ServerAddress {
        guard let host else { return ServerAddress(host: "unknown", port: 0) }
        var name = host.pointee.host
        let text = withUnsafeBytes(of: &name) { String(decoding: $0.prefix(while: { $0 != 0 }), as: UTF8.self) }
        return ServerAddress(host: text, port: Int(host.pointee.port))
    }

    static func serverType(_ description: OpaquePointer?) -> String {
        guard let description, let type = mongoc_server_description_type(description) else { return "Unknown" }
        return String(cString: type)
    }

    static func topologyType(_ description: OpaquePointer?) -> String {
        guard let description, let type = mongoc_topology_description_type(description) else { return "Unknown" }
        return String(cString: type)
    }
}
