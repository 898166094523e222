import Foundation
import PoolSQLCore
import Synchronization

/// What the monitor believes about the topology, built from the SDAM events alone, plus the
/// `onChange` handlers. Only the dispatcher thread changes it (`apply`); any thread reads it.
///
/// Reading it never touches libmongoc, so `servers()` is cheap enough for a virtual table that
/// is polled, and it is consistent with the event log (the same events built both).
final class TopologyTracker: Sendable {
    struct State {
        var topologyType = "Unknown"
        var servers: [ServerAddress: ServerSnapshot] = [:]
        var handlers: [@Sendable (TopologyChange) -> Void] = []
    }

    let poolName: String
    let uri: MongoURI
    let events: PoolEventLog
    private let state = AnnotatedMutex(State())

    /// SDAM's weighting of a new round-trip sample in the running average.
    static let roundTripWeight = 0.2

    init(poolName: String, uri: MongoURI, events: PoolEventLog) {
        self.poolName = poolName
        self.uri = uri
        self.events = events
    }

    var topologyType: String { state.withLock { $0.topologyType } }

    /// Reads the topology type and servers under the lock, without copying them out.
    func withState<T>(_ body: (String, [ServerAddress: ServerSnapshot]) -> T) -> T {
        state.withLock { body($0.topologyType, $0.servers) }
    }

    /// Sorted by host, then port, so listings are stable.
    var servers: [ServerSnapshot] {
        state.withLock { Array($0.servers.values) }
            .sorted { ($0.address.host, $0.address.port) < ($1.address.host, $1.address.port) }
    }

    /// The topology type and the server types, read together.
    var serverTypes: (topology: String, servers: Set<String>) {
        state.withLock { state in (state.topologyType, Set(state.servers.values.map(\.serverType))) }
    }

    func addHandler(_ handler: @escaping @Sendable (TopologyChange) -> Void) {
        state.withLock { $0.handlers.append(handler) }
    }

    /// Runs on the dispatcher thread until the queue delivers `.finish`.
    func dispatch(from queue: MonitorEventQueue) {
        while true {
            let event = queue.next()
            if case .finish = event {
                // Handlers often capture the monitor; dropping them after close breaks that cycle.
                state.withLock { $0.handlers = [] }
                return
            }
            apply(event)
        }
    }

    /// Updates the state, records the pool event and calls the handlers (outside the lock, so a
    /// handler may read the monitor).
    func apply(_ event: MonitorEvent) {
        let (logged, changes, handlers) = state.withLock { state in
            let (logged, changes) = Self.update(&state, with: event, poolName: poolName, uri: uri)
            return (logged, changes, state.handlers)
        }
        for event in logged { events.emit(event) }
        for change in changes {
            for handler in handlers { handler(change) }
        }
    }

    private static func update(_ state: inout State, with event: MonitorEvent, poolName: String,
                               uri: MongoURI) -> ([PoolEvent], [TopologyChange]) {
        switch event {
        case .serverOpening(let address, let time):
            if state.servers[address] == nil {
                state.servers[address] = ServerSnapshot(address: address, serverType: "Unknown")
            }
            return ([PoolEvent(time: time, poolName: poolName, type: .serverOpening, serverAddress: address)], [.serverAdded(address)])

        case .serverClosed(let address, let time):
            state.servers[address] = nil
            return ([PoolEvent(time: time, poolName: poolName, type: .serverClosed, serverAddress: address)], [.serverRemoved(address)])

        case .serverChanged(let address, let time, let newType, let roundTripTimeMS, let helloJSON):
            var server = state.servers[address] ?? ServerSnapshot(address: address, serverType: "Unknown")
            let oldType = server.serverType
            server.serverType = newType
            let hello = helloJSON.flatMap(Self.helloFields)
            server.setName = hello?.setName
            server.maxWireVersion = hello?.maxWireVersion
            // SDAM resets the average when a server becomes Unknown; otherwise libmongoc's own
            // average at the time of the change is the best value there is.
            server.roundTripTimeMS = newType == "Unknown" ? nil : (roundTripTimeMS ?? server.roundTripTimeMS)
            state.servers[address] = server
            // The detail starts from the type the monitor last reported, not libmongoc's previous
            // description: libmongoc changes descriptions without an event (a secondary naming
            // the primary makes it PossiblePrimary; a new primary makes the old one Unknown), so
            // its "previous" can name a type no event ever showed. This way consecutive events
            // of a server chain up (Unknown → RSPrimary, not PossiblePrimary → RSPrimary).
            var logged = [PoolEvent(time: time, poolName: poolName, type: .serverDescriptionChanged, serverAddress: address,
                                    detail: "\(oldType) → \(newType)")]
            var changes: [TopologyChange] = oldType == newType ? [] : [.serverTypeChanged(address, old: oldType, new: newType)]
            // SDAM (updateRSFromPrimary): a new primary makes any other primary Unknown. libmongoc
            // does this without an event; mirroring it keeps servers() from showing two primaries
            // until the old one's next heartbeat.
            if newType == "RSPrimary" {
                for (other, var stale) in state.servers where other != address && stale.serverType == "RSPrimary" {
                    stale.serverType = "Unknown"
                    stale.roundTripTimeMS = nil
                    stale.setName = nil
                    stale.maxWireVersion = nil
                    state.servers[other] = stale
                    logged.append(PoolEvent(time: time, poolName: poolName, type: .serverDescriptionChanged, serverAddress: other,
                                            detail: "RSPrimary → Unknown"))
                    changes.append(.serverTypeChanged(other, old: "RSPrimary", new: "Unknown"))
                }
            }
            return (logged, changes)

        case .topologyChanged(let time, let newType):
            let oldType = state.topologyType
            state.topologyType = newType
            let logged = PoolEvent(time: time, poolName: poolName, type: .topologyDescriptionChanged,
                                   detail: "\(oldType) → \(newType)")
            return ([logged], oldType == newType ? [] : [.topologyTypeChanged(old: oldType, new: newType)])

        case .heartbeatSucceeded(let address, let time, let durationMicroseconds):
            let rtt = Double(durationMicroseconds) / 1000
            if var server = state.servers[address] {
                server.lastHeartbeat = time
                server.lastError = nil
                server.roundTripTimeMS = server.roundTripTimeMS.map { roundTripWeight * rtt + (1 - roundTripWeight) * $0 } ?? rtt
                state.servers[address] = server
            }
            let logged = PoolEvent(time: time, poolName: poolName, type: .serverHeartbeatSucceeded, serverAddress: address,
                                   durationMS: rtt)
            return ([logged], [.heartbeatSucceeded(address, rttMS: rtt)])

        case .heartbeatFailed(let address, let time, let durationMicroseconds, let error):
            let message = uri.scrub(error.message)
            if var server = state.servers[address] {
                server.lastHeartbeat = time
                server.lastError = message
                state.servers[address] = server
            }
            let logged = PoolEvent(time: time, poolName: poolName, type: .serverHeartbeatFailed, serverAddress: address,
                                   durationMS: Double(durationMicroseconds) / 1000, detail: message)
            return ([logged], [.heartbeatFailed(address, error: message)])

        case .monitorStopped(let time):
            // libmongoc 1.23 reports no server_closed when its pool is destroyed; the monitor
            // reports them itself, since these servers are no longer monitored.
            let removed = state.servers.keys.sorted { ($0.host, $0.port) < ($1.host, $1.port) }
            let logged = removed.map {
                PoolEvent(time: time, poolName: poolName, type: .serverClosed, serverAddress: $0, detail: "monitoring pool closed")
            }
            state.servers = [:]
            let oldType = state.topologyType
            state.topologyType = "Unknown"
            var changes: [TopologyChange] = removed.map { .serverRemoved($0) }
            if oldType != "Unknown" { changes.append(.topologyTypeChanged(old: oldType, new: "Unknown")) }
            return (logged, changes)

        case .finish:
            return ([], [])
        }
    }

    /// The fields of a hello reply that `ServerSnapshot` shows.
    private static func helloFields(_ json: String) -> (setName: String?, maxWireVersion: Int?)? {
        guard let data = json.data(using: .utf8),
              let object = try? JSONSerialization.jsonObject(with: data),
              let document = object as? [String: Any] else { return nil }
        let wire = (document["maxWireVersion"] as? NSNumber)?.intValue
        return (document["setName"] as? String, wire)
    }
}
