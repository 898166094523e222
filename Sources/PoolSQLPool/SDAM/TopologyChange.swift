/// One change the topology monitor observed, as `TopologyMonitor.onChange` handlers receive it.
/// Handlers get changes in the order libmongoc reported them, on the monitor's dispatcher thread.
public enum TopologyChange: Sendable, Hashable {
    /// libmongoc started monitoring a server (a seed, or a member another server announced).
    case serverAdded(ServerAddress)
    /// libmongoc stopped monitoring a server (removed from the topology, or the monitor closed).
    case serverRemoved(ServerAddress)
    /// A server's SDAM type changed, e.g. `RSSecondary` → `RSPrimary` after an election, or
    /// `RSPrimary` → `Unknown` when its heartbeat failed.
    case serverTypeChanged(ServerAddress, old: String, new: String)
    /// The topology's type changed, e.g. `ReplicaSetWithPrimary` → `ReplicaSetNoPrimary`.
    case topologyTypeChanged(old: String, new: String)
    /// A heartbeat (`hello`) answered; `rttMS` is this heartbeat's round trip.
    case heartbeatSucceeded(ServerAddress, rttMS: Double)
    /// A heartbeat failed; `error` is libmongoc's message with the URI's secrets scrubbed.
    case heartbeatFailed(ServerAddress, error: String)

    /// The server the change is about; nil for topology-wide changes.
    public var serverAddress: ServerAddress? {
        switch self {
        case .serverAdded(let address), .serverRemoved(let address), .serverTypeChanged(let address, _, _),
             .heartbeatSucceeded(let address, _), .heartbeatFailed(let address, _):
            return address
        case .topologyTypeChanged:
            return nil
        }
    }
}
