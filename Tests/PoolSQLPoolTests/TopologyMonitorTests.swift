import Foundation
import PoolSQLCore
import PoolSQLPool
import PoolSQLTestSupport
import Synchronization
import Testing

/// Collects `onChange` notifications for assertions.
final class ChangeRecorder: Sendable {
    private let changes = AnnotatedMutex<[TopologyChange]>([])
    func record(_ change: TopologyChange) { changes.withLock { $0.append(change) } }
    var all: [TopologyChange] { changes.withLock { $0 } }
}

/// A started monitor over `uri` with 500 ms heartbeats and short timeouts.
func startMonitor(_ uri: String, name: String = "sdam", events: PoolEventLog = PoolEventLog(),
                  options: PoolOptions = testOptions(), recorder: ChangeRecorder? = nil) throws -> TopologyMonitor {
    let monitor = try TopologyMonitor(poolName: name, uri: MongoURI(uri), options: options, events: events)
    if let recorder { monitor.onChange { recorder.record($0) } }
    try monitor.start()
    return monitor
}

func loopback(_ port: Int) -> ServerAddress { ServerAddress(host: "127.0.0.1", port: port) }

func serverType(_ monitor: TopologyMonitor, _ port: Int) -> String? {
    monitor.servers().first { $0.address == loopback(port) }?.serverType
}

@Suite("TopologyMonitor against SecantusDB", .serialized)
struct TopologyMonitorTests {
    /// SecantusDB answers hello as the primary of a one-member replica set "secantus".
    @Test func directConnectionMakesASingleTopologyWithTheMemberAsRSPrimary() throws {
        let secantus = try startSecantus()
        let monitor = try startMonitor(secantus.uri + "?directConnection=true")
        defer { monitor.close() }
        #expect(eventually { serverType(monitor, secantus.port) == "RSPrimary" })
        #expect(monitor.topologyType == "Single")
        let snapshot = try #require(monitor.servers().first)
        #expect(monitor.servers().count == 1)
        #expect(snapshot.address == loopback(secantus.port))
        #expect(snapshot.setName == "secantus")
        #expect(snapshot.roundTripTimeMS.map { $0 >= 0 } == true)
        #expect(snapshot.maxWireVersion.map { $0 >= 6 } == true)
        #expect(snapshot.lastError == nil)
        #expect(snapshot.lastHeartbeat != nil)
    }

    /// libmongoc 1.23 keeps the pre-directConnection rule: one seed and no replicaSet option is a
    /// Single topology; naming the set makes it a replica set topology.
    @Test func theReplicaSetIsOnlyDiscoveredWhenTheURINamesIt() throws {
        let secantus = try startSecantus()
        let plain = try startMonitor(secantus.uri)
        defer { plain.close() }
        let named = try startMonitor(secantus.uri + "?replicaSet=secantus")
        defer { named.close() }
        #expect(eventually { serverType(plain, secantus.port) == "RSPrimary" && serverType(named, secantus.port) == "RSPrimary" })
        #expect(plain.topologyType == "Single")
        #expect(eventually { named.topologyType == "ReplicaSetWithPrimary" })
    }

    @Test func heartbeatsAndDiscoveryAreInTheEventLog() throws {
        let secantus = try startSecantus()
        let events = PoolEventLog()
        let monitor = try startMonitor(secantus.uri, events: events)
        defer { monitor.close() }
        let address = loopback(secantus.port)
        // Two heartbeats: the first check and at least one periodic one (every 500 ms).
        #expect(eventually { events.events().filter { $0.type == .serverHeartbeatSucceeded }.count >= 2 })
        let logged = events.events()
        #expect(logged.allSatisfy { $0.poolName == "sdam" })
        #expect(logged.first?.type == .topologyDescriptionChanged || logged.first?.type == .serverOpening)
        #expect(logged.contains { $0.type == .serverOpening && $0.serverAddress == address })
        #expect(logged.contains { $0.type == .serverDescriptionChanged && $0.serverAddress == address && $0.detail == "Unknown → RSPrimary" })
        #expect(logged.contains { $0.type == .topologyDescriptionChanged && $0.serverAddress == nil && $0.detail == "Unknown → Single" })
        let heartbeats = logged.filter { $0.type == .serverHeartbeatSucceeded }
        #expect(heartbeats.allSatisfy { $0.serverAddress == address && ($0.durationMS ?? -1) >= 0 })
    }

    @Test func selectServerReturnsTheServerAndFailsClearlyWhenItIsDown() throws {
        let secantus = try startSecantus()
        let monitor = try startMonitor(secantus.uri)
        defer { monitor.close() }
        #expect(try monitor.selectServer(forWrites: true, readPreference: "primary", timeoutMS: 5_000) == loopback(secantus.port))
        #expect(try monitor.selectServer(forWrites: false, readPreference: "nearest", timeoutMS: 5_000) == loopback(secantus.port))

        secantus.stop()
        #expect(eventually { serverType(monitor, secantus.port) == "Unknown" })
        let error = #expect(throws: PoolSQLError.self) {
            try monitor.selectServer(forWrites: true, readPreference: "primary", timeoutMS: 300)
        }
        #expect(error?.code == .sqlClientUnableToEstablishConnection)
        #expect(error?.message.contains("no server suitable for writes within 300 ms") == true)
        #expect(error?.detail?.contains("127.0.0.1:\(secantus.port) Unknown") == true)

        let badMode = #expect(throws: PoolSQLError.self) {
            try monitor.selectServer(forWrites: false, readPreference: "fastest", timeoutMS: 300)
        }
        #expect(badMode?.code == .invalidParameterValue)
    }

    @Test func aStoppedServerTurnsUnknownWithItsHeartbeatErrorAndComesBack() throws {
        let secantus = try startSecantus()
        let events = PoolEventLog()
        let recorder = ChangeRecorder()
        let monitor = try startMonitor(secantus.uri, events: events, recorder: recorder)
        defer { monitor.close() }
        let address = loopback(secantus.port)
        #expect(eventually { serverType(monitor, secantus.port) == "RSPrimary" })

        secantus.stop()
        #expect(eventually { serverType(monitor, secantus.port) == "Unknown" })
        #expect(eventually { events.events().contains { $0.type == .serverHeartbeatFailed && $0.serverAddress == address } })
        let failed = try #require(events.events().first { $0.type == .serverHeartbeatFailed })
        #expect(failed.detail?.isEmpty == false)
        #expect(monitor.servers().first?.lastError?.isEmpty == false)
        #expect(monitor.servers().first?.roundTripTimeMS == nil)
        #expect(events.events().contains { $0.type == .serverDescriptionChanged && $0.detail == "RSPrimary → Unknown" })

        try secantus.start()
        #expect(eventually { serverType(monitor, secantus.port) == "RSPrimary" })
        #expect(eventually { monitor.servers().first?.lastError == nil })
        #expect(try monitor.selectServer(forWrites: true, readPreference: "primary", timeoutMS: 5_000) == address)

        // The handlers saw the same story, in order.
        let types = recorder.all.compactMap { change -> String? in
            if case .serverTypeChanged(_, let old, let new) = change { return "\(old) → \(new)" }
            return nil
        }
        #expect(types == ["Unknown → RSPrimary", "RSPrimary → Unknown", "Unknown → RSPrimary"])
        #expect(recorder.all.first == .serverAdded(address) || recorder.all.first == .topologyTypeChanged(old: "Unknown", new: "Single"))
        #expect(recorder.all.contains { if case .heartbeatFailed(address, _) = $0 { return true } else { return false } })
    }

    @Test func updateWithNewHeartbeatSettingsRecreatesTheMonitoringPool() throws {
        let secantus = try startSecantus()
        let events = PoolEventLog()
        let monitor = try startMonitor(secantus.uri, events: events)
        defer { monitor.close() }
        #expect(eventually { serverType(monitor, secantus.port) == "RSPrimary" })
        let openingsBefore = events.events().filter { $0.type == .serverOpening }.count

        var options = monitor.options
        options.heartbeatFrequencyMS = 600
        try monitor.update(options: options)
        #expect(monitor.options.heartbeatFrequencyMS == 600)
        #expect(eventually { events.events().filter { $0.type == .serverOpening }.count == openingsBefore + 1 })
        #expect(eventually { serverType(monitor, secantus.port) == "RSPrimary" })
        #expect(events.events().contains { $0.type == .serverClosed && $0.serverAddress == loopback(secantus.port) })

        // Settings the monitoring pool does not use apply without a new pool.
        options.maxPoolSize = 7
        try monitor.update(options: options)
        #expect(events.events().filter { $0.type == .serverOpening }.count == openingsBefore + 1)

        options.heartbeatFrequencyMS = 100
        #expect(throws: PoolSQLError.self) { try monitor.update(options: options) }
    }

    @Test func closeStopsMonitoringAndFurtherUse() throws {
        let secantus = try startSecantus()
        let events = PoolEventLog()
        let monitor = try startMonitor(secantus.uri, events: events)
        #expect(eventually { serverType(monitor, secantus.port) == "RSPrimary" })
        monitor.close()
        #expect(eventually { monitor.servers().isEmpty && monitor.topologyType == "Unknown" })
        let count = events.emittedCount
        Thread.sleep(forTimeInterval: 0.7)  // longer than one heartbeat interval: none may follow
        #expect(events.emittedCount == count)
        let error = #expect(throws: PoolSQLError.self) {
            try monitor.selectServer(forWrites: true, timeoutMS: 100)
        }
        #expect(error?.code == .objectNotInPrerequisiteState)
        #expect(throws: PoolSQLError.self) { try monitor.start() }
        monitor.close()
    }

    @Test func monitorConnectionsHaveTheirOwnApplicationName() {
        #expect(TopologyMonitor.monitorAppName(for: PoolOptions()) == "poolsql-monitor")
        #expect(TopologyMonitor.monitorAppName(for: PoolOptions(appName: "orders")) == "orders-monitor")
        let long = TopologyMonitor.monitorAppName(for: PoolOptions(appName: String(repeating: "é", count: 64)))
        #expect(long.utf8.count <= 128 && long.hasSuffix("-monitor"))
    }

    @Test func invalidOptionsAreRejectedBeforeAnythingStarts() throws {
        let error = #expect(throws: PoolSQLError.self) {
            try TopologyMonitor(poolName: "bad", uri: MongoURI("mongodb://127.0.0.1:1/"),
                                options: PoolOptions(heartbeatFrequencyMS: 10), events: PoolEventLog())
        }
        #expect(error?.code == .invalidParameterValue)
    }

    @Test func selectionsKeepWorkingWhileUpdateReplacesTheMonitoringPool() throws {
        let secantus = try startSecantus()
        let monitor = try startMonitor(secantus.uri)
        defer { monitor.close() }
        let address = loopback(secantus.port)
        let failures = AnnotatedMutex<[String]>([])
        let selected = Atomic<Int>(0)
        let running = Atomic<Bool>(true)
        let threads = (0..<4).map { _ in
            Thread {
                while running.load(ordering: .acquiring) {
                    do {
                        let server = try monitor.selectServer(forWrites: true, timeoutMS: 5_000)
                        if server != address { failures.withLock { $0.append("selected \(server)") } }
                        selected.add(1, ordering: .relaxed)
                    } catch {
                        failures.withLock { $0.append("\(error)") }
                    }
                }
            }
        }
        threads.forEach { $0.start() }
        var options = monitor.options
        for frequency in [600, 700, 800] {
            #expect(eventually { selected.load(ordering: .relaxed) > 0 })
            options.heartbeatFrequencyMS = frequency
            try monitor.update(options: options)
        }
        let before = selected.load(ordering: .relaxed)
        #expect(eventually { selected.load(ordering: .relaxed) > before })
        running.store(false, ordering: .releasing)
        #expect(eventually { threads.allSatisfy { $0.isFinished } })
        #expect(failures.withLock { $0 } == [])
    }

    @Test func aHandlerMayCloseTheMonitor() throws {
        let secantus = try startSecantus()
        let monitor = try TopologyMonitor(poolName: "sdam", uri: MongoURI(secantus.uri), options: testOptions(), events: PoolEventLog())
        let closed = Atomic<Bool>(false)
        monitor.onChange { change in
            if case .heartbeatSucceeded = change {
                monitor.close()
                closed.store(true, ordering: .releasing)
            }
        }
        try monitor.start()
        #expect(eventually { closed.load(ordering: .acquiring) })
        let error = #expect(throws: PoolSQLError.self) { try monitor.selectServer(forWrites: true, timeoutMS: 100) }
        #expect(error?.code == .objectNotInPrerequisiteState)
    }

    @Test func selectingBeforeStartFails() throws {
        let monitor = try TopologyMonitor(poolName: "idle", uri: MongoURI("mongodb://127.0.0.1:1/"), options: testOptions(),
                                          events: PoolEventLog())
        let error = #expect(throws: PoolSQLError.self) { try monitor.selectServer(forWrites: true, timeoutMS: 100) }
        #expect(error?.code == .objectNotInPrerequisiteState)
        #expect(monitor.servers().isEmpty)
        #expect(monitor.topologyType == "Unknown")
    }

    @Test func credentialsNeverAppearInEventsOrErrors() throws {
        // Nothing listens on port 1, so every heartbeat fails.
        let events = PoolEventLog()
        let monitor = try startMonitor("mongodb://admin:s3cr3t-pw@127.0.0.1:1/", events: events)
        defer { monitor.close() }
        #expect(eventually { events.events().contains { $0.type == .serverHeartbeatFailed } })
        let error = #expect(throws: PoolSQLError.self) { try monitor.selectServer(forWrites: true, timeoutMS: 200) }
        let texts = events.events().compactMap(\.detail) + monitor.servers().compactMap(\.lastError)
            + [error?.message, error?.detail, error?.hint].compactMap { $0 }
        #expect(!texts.isEmpty)
        #expect(texts.allSatisfy { !$0.contains("s3cr3t") }, "\(texts)")
    }
}
