import Foundation
import PoolSQLCore
import PoolSQLPool
import PoolSQLTestSupport
import Synchronization
import Testing

/// Starts the scripted replica set. Failing to start (no Python or no mockupdb) is a test failure,
/// also outside CI, whose message says how to set it up.
func startMockReplicaSet() throws -> MockReplicaSet {
    do {
        return try MockReplicaSet()
    } catch let error as PoolSQLError {
        Issue.record("cannot start the mock replica set\(TestEnvironment.isCI ? " (CI)" : ""): \(error.rendered(source: nil))")
        throw error
    }
}

func types(_ monitor: TopologyMonitor) -> [String] {
    monitor.servers().map(\.serverType).sorted()
}

@Suite("TopologyMonitor against a mock replica set", .serialized)
struct MockReplicaSetTests {
    @Test func theScriptAnswersItsControlCommands() throws {
        let replicaSet = try startMockReplicaSet()
        defer { replicaSet.stop() }
        #expect(replicaSet.ports.count == 3)
        #expect(Set(replicaSet.ports).count == 3)
        #expect(try replicaSet.state().primary == 0)
        #expect(try replicaSet.stepDown().primary == 1)
        let killed = try replicaSet.kill(2)
        #expect(killed.alive == [true, true, false])
        #expect(!SecantusServer.acceptsConnections(port: replicaSet.ports[2]))
        #expect(try replicaSet.revive(2).alive == [true, true, true])
        #expect(SecantusServer.acceptsConnections(port: replicaSet.ports[2]))
        #expect(throws: PoolSQLError.self) { try replicaSet.kill(7) }
    }

    @Test func discoversAllMembersFromOneSeed() throws {
        let replicaSet = try startMockReplicaSet()
        defer { replicaSet.stop() }
        let recorder = ChangeRecorder()
        let monitor = try startMonitor("mongodb://\(replicaSet.host(1))/?replicaSet=rs0", recorder: recorder)
        defer { monitor.close() }
        #expect(eventually { types(monitor) == ["RSPrimary", "RSSecondary", "RSSecondary"] })
        #expect(monitor.topologyType == "ReplicaSetWithPrimary")
        #expect(monitor.servers().map(\.address) == replicaSet.ports.sorted().map { loopback($0) }
            || Set(monitor.servers().map(\.address)) == Set(replicaSet.ports.map { loopback($0) }))
        #expect(monitor.servers().allSatisfy { $0.setName == "rs0" && $0.maxWireVersion == 17 && $0.roundTripTimeMS != nil })
        let added = recorder.all.compactMap { change -> ServerAddress? in
            if case .serverAdded(let address) = change { return address }
            return nil
        }
        #expect(Set(added) == Set(replicaSet.ports.map { loopback($0) }))
    }

    @Test func selectsThePrimaryForWritesAndASecondaryForSecondaryReads() throws {
        let replicaSet = try startMockReplicaSet()
        defer { replicaSet.stop() }
        let monitor = try startMonitor(replicaSet.uri())
        defer { monitor.close() }
        let primary = loopback(replicaSet.ports[0])
        let secondaries = Set(replicaSet.ports[1...].map { loopback($0) })
        #expect(try monitor.selectServer(forWrites: true, readPreference: "primary", timeoutMS: 5_000) == primary)
        #expect(try monitor.selectServer(forWrites: false, readPreference: "primary", timeoutMS: 5_000) == primary)
        for _ in 0..<5 {
            #expect(try secondaries.contains(monitor.selectServer(forWrites: false, readPreference: "secondary", timeoutMS: 5_000)))
        }
        #expect(try monitor.selectServer(forWrites: false, readPreference: "primaryPreferred", timeoutMS: 5_000) == primary)
        #expect(try secondaries.contains(monitor.selectServer(forWrites: false, readPreference: "secondaryPreferred", timeoutMS: 5_000)))
    }

    @Test func stepdownIsDetectedWithinAFewHeartbeats() throws {
        let replicaSet = try startMockReplicaSet()
        defer { replicaSet.stop() }
        let events = PoolEventLog()
        let monitor = try startMonitor(replicaSet.uri(), events: events)
        defer { monitor.close() }
        let oldPrimary = loopback(replicaSet.ports[0])
        let newPrimary = loopback(replicaSet.ports[1])
        #expect(eventually { types(monitor) == ["RSPrimary", "RSSecondary", "RSSecondary"] })
        #expect(try monitor.selectServer(forWrites: true, timeoutMS: 5_000) == oldPrimary)

        let primaries = AnnotatedMutex(0)
        monitor.onChange { _ in
            let count = monitor.servers().filter { $0.serverType == "RSPrimary" }.count
            primaries.withLock { $0 = max($0, count) }
        }
        let began = ContinuousClock.now
        try replicaSet.stepDown()
        #expect(eventually(timeout: .seconds(10)) {
            serverType(monitor, newPrimary.port) == "RSPrimary" && serverType(monitor, oldPrimary.port) == "RSSecondary"
        })
        let detected = ContinuousClock.now - began
        #expect(try monitor.selectServer(forWrites: true, timeoutMS: 5_000) == newPrimary)
        #expect(monitor.topologyType == "ReplicaSetWithPrimary")
        // The monitor's state changes before its events are delivered (they are queued): wait
        // for the old primary's last event too.
        func descriptionChanges() -> [PoolEvent] { events.events().filter { $0.type == .serverDescriptionChanged } }
        #expect(eventually(timeout: .seconds(5)) {
            descriptionChanges().last { $0.serverAddress == oldPrimary }?.detail?.hasSuffix("→ RSSecondary") == true
        })
        let changes = descriptionChanges()
        // Consecutive description changes of a server chain up (each starts where the last ended).
        let oldPrimaryChanges = changes.filter { $0.serverAddress == oldPrimary }.compactMap(\.detail)
        // If the new primary answered first, SDAM made the old one Unknown until its own heartbeat.
        #expect(oldPrimaryChanges == ["Unknown → RSPrimary", "RSPrimary → RSSecondary"]
            || oldPrimaryChanges == ["Unknown → RSPrimary", "RSPrimary → Unknown", "Unknown → RSSecondary"],
            "\(oldPrimaryChanges)")
        #expect(changes.contains { $0.serverAddress == newPrimary && $0.detail == "RSSecondary → RSPrimary" })
        #expect(primaries.withLock { $0 } == 1, "servers() never shows two primaries")
        print("mock replica set: stepdown detected after \(detected) with heartbeatFrequencyMS 500")
    }

    @Test func aKilledMemberTurnsUnknownAndSecondaryReadsAvoidIt() throws {
        let replicaSet = try startMockReplicaSet()
        defer { replicaSet.stop() }
        let events = PoolEventLog()
        let monitor = try startMonitor(replicaSet.uri(), events: events)
        defer { monitor.close() }
        #expect(eventually { types(monitor) == ["RSPrimary", "RSSecondary", "RSSecondary"] })
        let killed = loopback(replicaSet.ports[2])
        try replicaSet.kill(2)
        #expect(eventually { serverType(monitor, killed.port) == "Unknown" })
        #expect(events.events().contains { $0.type == .serverHeartbeatFailed && $0.serverAddress == killed })
        #expect(monitor.topologyType == "ReplicaSetWithPrimary")
        for _ in 0..<5 {
            #expect(try monitor.selectServer(forWrites: false, readPreference: "secondary", timeoutMS: 5_000) == loopback(replicaSet.ports[1]))
        }
        try replicaSet.revive(2)
        #expect(eventually { serverType(monitor, killed.port) == "RSSecondary" })
    }

    @Test func losingThePrimaryLeavesNoServerForWrites() throws {
        let replicaSet = try startMockReplicaSet()
        defer { replicaSet.stop() }
        let monitor = try startMonitor(replicaSet.uri())
        defer { monitor.close() }
        #expect(eventually { types(monitor) == ["RSPrimary", "RSSecondary", "RSSecondary"] })
        try replicaSet.kill(0)
        #expect(eventually { monitor.topologyType == "ReplicaSetNoPrimary" })
        let error = #expect(throws: PoolSQLError.self) {
            try monitor.selectServer(forWrites: true, timeoutMS: 300)
        }
        #expect(error?.code == .sqlClientUnableToEstablishConnection)
        #expect(error?.detail?.hasPrefix("topology ReplicaSetNoPrimary") == true)
        #expect(try monitor.selectServer(forWrites: false, readPreference: "secondaryPreferred", timeoutMS: 5_000) != loopback(replicaSet.ports[0]))
    }

    /// The monitor only heartbeats and selects: no application command, no authentication (even
    /// with credentials in the URI), and its own application name on every connection.
    @Test func theMonitorRunsNoApplicationCommandsAndNamesItsConnections() throws {
        let replicaSet = try startMockReplicaSet()
        defer { replicaSet.stop() }
        var options = testOptions()
        options.appName = "orders"
        let monitor = try startMonitor("mongodb://app:secret@\(replicaSet.host(0))/?replicaSet=rs0", options: options)
        defer { monitor.close() }
        #expect(eventually { types(monitor) == ["RSPrimary", "RSSecondary", "RSSecondary"] })
        for _ in 0..<3 {
            _ = try monitor.selectServer(forWrites: true, timeoutMS: 5_000)
            _ = try monitor.selectServer(forWrites: false, readPreference: "secondary", timeoutMS: 5_000)
        }
        let observed = try replicaSet.observed()
        #expect(observed.commands.isEmpty, "\(observed.commands)")
        #expect(observed.appNames == ["orders-monitor"])
    }
}
