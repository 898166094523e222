import Foundation
import PoolSQLCore
import PoolSQLPool
import PoolSQLTestSupport
import Synchronization

/// One CMAP spec test file, decoded.
struct CMAPSpecFile: Decodable, Sendable {
    var version: Int
    var style: String
    var description: String
    var poolOptions: [String: SpecJSON]?
    var operations: [SpecJSON]
    var error: SpecJSON?
    var events: [SpecJSON]?
    var ignore: [String]?
    var failPoint: SpecJSON?
    var runOn: [SpecJSON]?
}

/// Where the spec files are and which there are.
enum CMAPSpecFiles {
    static let expectedCount = 33

    /// `POOLSQL_SPEC_TESTS`, else `<package>/../shared/spec-tests/cmap-format`, else
    /// `/work/shared/spec-tests/cmap-format`; nil when none exists.
    static var directory: URL? {
        var candidates: [URL] = []
        if let configured = ProcessInfo.processInfo.environment["POOLSQL_SPEC_TESTS"], !configured.isEmpty {
            candidates.append(URL(fileURLWithPath: configured))
        }
        let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        candidates.append(packageRoot.deletingLastPathComponent().appendingPathComponent("shared/spec-tests/cmap-format"))
        candidates.append(URL(fileURLWithPath: "/work/shared/spec-tests/cmap-format"))
        return candidates.first { url in
            var isDirectory: ObjCBool = false
            return FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) && isDirectory.boolValue
        }
    }

    static var names: [String] {
        guard let directory, let entries = try? FileManager.default.contentsOfDirectory(atPath: directory.path) else { return [] }
        return entries.filter { $0.hasSuffix(".json") }.sorted()
    }

    static func load(_ name: String) throws -> CMAPSpecFile {
        guard let directory else { throw CMAPSpecRunnerError("the CMAP spec test directory was not found") }
        let data = try Data(contentsOf: directory.appendingPathComponent(name))
        return try JSONDecoder().decode(CMAPSpecFile.self, from: data)
    }
}

/// A failure of the runner itself (never an expected error of a test).
struct CMAPSpecRunnerError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// A named test thread (the spec's `start(target)`): a real thread running its operations in
/// order. Its first error ends it and is propagated by `waitForThread`.
final class CMAPSpecThread: @unchecked Sendable {
    let name: String
    private let condition = NSCondition()
    private var queue: [() throws -> Void] = []
    private var busy = false
    private var stopped = false
    private var finished = false
    private(set) var error: (any Error)?

    init(name: String) {
        self.name = name
        let thread = Thread { [self] in loop() }
        thread.name = "cmap-spec-\(name)"
        thread.start()
    }

    func schedule(_ operation: @escaping () throws -> Void) {
        condition.lock()
        queue.append(operation)
        condition.broadcast()
        condition.unlock()
    }

    /// Waits until every scheduled operation ran, then ends the thread; false on timeout.
    func finish(timeout: TimeInterval) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        stopped = true
        condition.broadcast()
        let deadline = Date(timeIntervalSinceNow: timeout)
        while !finished {
            if !condition.wait(until: deadline) { return finished }
        }
        return true
    }

    var firstError: (any Error)? {
        condition.lock()
        defer { condition.unlock() }
        return error
    }

    private func loop() {
        condition.lock()
        while true {
            while queue.isEmpty && !stopped { condition.wait() }
            if queue.isEmpty && stopped { break }
            let operation = queue.removeFirst()
            let skip = error != nil
            condition.unlock()
            var thrown: (any Error)?
            if !skip {
                do { try operation() } catch { thrown = error }
            }
            condition.lock()
            if let thrown, error == nil { error = thrown }
        }
        finished = true
        condition.broadcast()
        condition.unlock()
    }
}

/// Runs one spec file and returns its failures (empty when it passed). Runs on its own thread
/// (the spec's "main thread"): `checkOut` blocks.
final class CMAPSpecRunner: @unchecked Sendable {
    let name: String
    let file: CMAPSpecFile
    private let observed = NSCondition()
    private var captured: [PoolEvent] = []
    private let labels = AnnotatedMutex<[String: PooledConnection]>([:])
    private var threads: [String: CMAPSpecThread] = [:]
    private var failures: [String] = []

    static let defaultEventTimeout: TimeInterval = 10
    static let unitAddress = ServerAddress(host: "localhost", port: 27017)

    init(name: String, file: CMAPSpecFile) {
        self.name = name
        self.file = file
    }

    func run() -> [String] {
        do {
            switch file.style {
            case "unit": try runUnit()
            case "integration": try runIntegration()
            default: failures.append("unsupported test style \"\(file.style)\"")
            }
        } catch {
            failures.append("\(error)")
        }
        return failures
    }

    // MARK: Set-up

    struct PoolSetup {
        var options: PoolOptions
        var backgroundInterval: Duration?
    }

    func poolSetup() throws -> PoolSetup {
        var options = PoolOptions()
        var interval: Duration? = .milliseconds(100)
        for (key, value) in file.poolOptions ?? [:] {
            func number() throws -> Int {
                guard let number = value.int else { throw CMAPSpecRunnerError("poolOptions.\(key) is not an integer: \(value)") }
                return number
            }
            switch key {
            case "maxPoolSize": options.maxPoolSize = try number()
            case "minPoolSize": options.minPoolSize = try number()
            case "maxIdleTimeMS": options.maxIdleTimeMS = try number()
            case "waitQueueTimeoutMS": options.waitQueueTimeoutMS = try number()
            case "maxConnecting": options.maxConnecting = try number()
            case "appName":
                guard let text = value.string else { throw CMAPSpecRunnerError("poolOptions.appName is not a string") }
                options.appName = text
            case "backgroundThreadIntervalMS":
                let milliseconds = try number()
                guard milliseconds != 0 else { throw CMAPSpecRunnerError("backgroundThreadIntervalMS 0 is not allowed") }
                interval = milliseconds < 0 ? nil : .milliseconds(milliseconds)
            default:
                throw CMAPSpecRunnerError("the runner does not know the pool option \"\(key)\"")
            }
        }
        try options.validate()
        return PoolSetup(options: options, backgroundInterval: interval)
    }

    func runUnit() throws {
        let setup = try poolSetup()
        try execute(factory: MockConnectionFactory(), address: CMAPSpecRunner.unitAddress, setup: setup)
    }

    func runIntegration() throws {
        let setup = try poolSetup()
        let server = try SecantusServer()
        let uri = try MongoURI(server.uri)
        let address = ServerAddress(host: "127.0.0.1", port: server.port)
        let factory = MongoConnectionFactory(uri: uri, poolName: "cmap-spec")
        let admin = try factory.open(ConnectionRequest(address: address, connectionID: 0, generation: 0,
                                                       options: PoolOptions(appName: "poolsql-cmap-spec-admin")))
        defer { admin.close() }
        try checkServerVersion(admin)
        var failPointName: String?
        if let failPoint = file.failPoint {
            guard let name = failPoint["configureFailPoint"]?.string else {
                throw CMAPSpecRunnerError("failPoint has no configureFailPoint name: \(failPoint)")
            }
            // The command name must come first in the document, so it is written out by hand.
            var command = "{\"configureFailPoint\": \(SpecJSON.string(name))"
            for key in ["mode", "data"] { if let value = failPoint[key] { command += ", \"\(key)\": \(value)" } }
            command += "}"
            _ = try admin.runCommand(database: "admin", commandJSON: command)
            failPointName = name
        }
        defer {
            if let failPointName {
                do {
                    _ = try admin.runCommand(database: "admin",
                                             commandJSON: "{\"configureFailPoint\": \(SpecJSON.string(failPointName)), \"mode\": \"off\"}")
                } catch {
                    failures.append("turning the fail point off failed: \(error)")
                }
            }
        }
        try execute(factory: factory, address: address, setup: setup)
    }

    /// runOn: the server must satisfy one entry; a server that does not is a FAILURE (the
    /// runner must not silently skip a spec file).
    func checkServerVersion(_ admin: MongoDirectConnection) throws {
        guard let requirements = file.runOn, !requirements.isEmpty else { return }
        let reply = try JSONSerialization.jsonObject(with: Data(admin.runCommand(database: "admin", commandJSON: #"{"buildInfo": 1}"#).utf8))
        guard let version = (reply as? [String: Any])?["version"] as? String else {
            throw CMAPSpecRunnerError("buildInfo has no version")
        }
        func parse(_ text: String) -> [Int] { text.split(separator: ".").map { Int($0.prefix { $0.isNumber }) ?? 0 } }
        let actual = parse(version)
        let satisfied = requirements.contains { requirement in
            if let minimum = requirement["minServerVersion"]?.string, actual.lexicographicallyPrecedes(parse(minimum)) { return false }
            if let maximum = requirement["maxServerVersion"]?.string, parse(maximum).lexicographicallyPrecedes(actual) { return false }
            return true
        }
        guard satisfied else {
            throw CMAPSpecRunnerError("the test server reports version \(version), which does not satisfy runOn \(SpecJSON.array(requirements)); this file cannot run here, which counts as a failure")
        }
    }

    // MARK: Execution

    func execute(factory: any ConnectionFactory, address: ServerAddress, setup: PoolSetup) throws {
        let log = PoolEventLog(capacity: 10_000)
        let subscription = log.subscribe { [self] event in
            observed.lock()
            captured.append(event)
            observed.broadcast()
            observed.unlock()
        }
        defer { subscription.cancel() }
        let pool = ConnectionPool(poolName: "cmap-spec", address: address, options: setup.options, factory: factory,
                                  events: log, backgroundInterval: setup.backgroundInterval)
        var mainError: (any Error)?
        for (index, operation) in file.operations.enumerated() {
            do {
                try perform(operation, pool: pool)
            } catch let error as CMAPSpecRunnerError {
                failures.append("operation \(index) \(operation): \(error)")
                break
            } catch {
                mainError = error
                break
            }
        }
        let events = observed.withLock { captured }
        pool.close()
        for (threadName, thread) in threads where !thread.finish(timeout: 15) {
            failures.append("thread \(threadName) did not finish within 15 s after the pool was closed")
        }
        check(mainError: mainError)
        check(events: events)
    }

    func perform(_ operation: SpecJSON, pool: ConnectionPool) throws {
        guard let name = operation["name"]?.string else { throw CMAPSpecRunnerError("operation without a name") }
        if let threadName = operation["thread"]?.string, name != "start", name != "wait", name != "waitForThread", name != "waitForEvent" {
            guard let thread = threads[threadName] else { throw CMAPSpecRunnerError("thread \(threadName) was not started") }
            let action = try poolAction(name, operation, pool: pool)
            thread.schedule(action)
            return
        }
        switch name {
        case "start":
            guard let target = operation["target"]?.string else { throw CMAPSpecRunnerError("start without target") }
            threads[target] = CMAPSpecThread(name: target)
        case "wait":
            guard let milliseconds = operation["ms"]?.number else { throw CMAPSpecRunnerError("wait without ms") }
            Thread.sleep(forTimeInterval: milliseconds / 1000)
        case "waitForThread":
            guard let target = operation["target"]?.string, let thread = threads[target] else {
                throw CMAPSpecRunnerError("waitForThread: unknown thread")
            }
            guard thread.finish(timeout: 30) else { throw CMAPSpecRunnerError("thread \(target) did not finish within 30 s") }
            if let error = thread.firstError { throw error }
        case "waitForEvent":
            guard let event = operation["event"]?.string, let count = operation["count"]?.int else {
                throw CMAPSpecRunnerError("waitForEvent needs event and count")
            }
            let timeout = operation["timeout"]?.number.map { $0 / 1000 } ?? CMAPSpecRunner.defaultEventTimeout
            try waitForEvent(event, count: count, timeout: timeout)
        default:
            try poolAction(name, operation, pool: pool)()
        }
    }

    func poolAction(_ name: String, _ operation: SpecJSON, pool: ConnectionPool) throws -> () throws -> Void {
        switch name {
        case "checkOut":
            let label = operation["label"]?.string
            return { [self] in
                let connection = try pool.checkOut()
                if let label { labels.withLock { $0[label] = connection } }
            }
        case "checkIn":
            guard let label = operation["connection"]?.string else { throw CMAPSpecRunnerError("checkIn without connection") }
            return { [self] in
                guard let connection = labels.withLock({ $0[label] }) else {
                    throw CMAPSpecRunnerError("checkIn: no connection labelled \(label)")
                }
                guard pool.checkIn(connection) else { throw CMAPSpecRunnerError("checkIn of \(label) was refused") }
            }
        case "clear":
            let interrupt = operation["interruptInUseConnections"]?.bool ?? false
            return { pool.clear(interruptInUseConnections: interrupt) }
        case "close":
            return { pool.close() }
        case "ready":
            return { pool.ready() }
        default:
            throw CMAPSpecRunnerError("the runner does not know the operation \"\(name)\"")
        }
    }

    /// Blocks until `count` events of the type were emitted (ignore list not applied).
    func waitForEvent(_ specName: String, count: Int, timeout: TimeInterval) throws {
        let deadline = Date(timeIntervalSinceNow: timeout)
        observed.lock()
        defer { observed.unlock() }
        while captured.filter({ $0.type.specName == specName }).count < count {
            if !observed.wait(until: deadline) {
                let seen = captured.filter { $0.type.specName == specName }.count
                throw CMAPSpecRunnerError("timed out after \(Int(timeout * 1000)) ms waiting for \(count) \(specName) events (saw \(seen))")
            }
        }
    }

    // MARK: Checks

    static func errorType(_ error: any Error) -> String {
        guard let error = error as? PoolSQLError else { return "\(type(of: error))" }
        switch error.code.code {
        case "53300": return "WaitQueueTimeoutError"
        case "55000": return "PoolClosedError"
        case "08006": return "PoolClearedError"
        default: return "PoolSQLError(\(error.code.code))"
        }
    }

    func check(mainError: (any Error)?) {
        guard let expected = file.error else {
            if let mainError { failures.append("unexpected error on the main thread: \(mainError)") }
            return
        }
        guard let mainError else {
            failures.append("expected error \(expected) but the main thread raised none")
            return
        }
        let message = (mainError as? PoolSQLError)?.message ?? "\(mainError)"
        if let type = expected["type"]?.string, type != CMAPSpecRunner.errorType(mainError) {
            failures.append("expected a \(type), got \(CMAPSpecRunner.errorType(mainError)): \(mainError)")
        }
        // PoolSQL messages are lower-case and name the pool; they start with the spec's text.
        if let text = expected["message"]?.string, !message.lowercased().contains(text.lowercased()) {
            failures.append("error message \"\(message)\" does not contain \"\(text)\"")
        }
        if expected["address"] != nil {
            failures.append("the runner cannot check an error's address")
        }
    }

    static func json(_ event: PoolEvent) -> SpecJSON {
        var members: [String: SpecJSON] = ["type": .string(event.type.specName)]
        if let address = event.serverAddress { members["address"] = .string(address.description) }
        if let id = event.connectionID { members["connectionId"] = .int(id) }
        if let duration = event.durationMS { members["duration"] = .double(duration) }
        if let reason = event.reason { members["reason"] = .string(reason.rawValue) }
        if let interrupt = event.interruptInUseConnections { members["interruptInUseConnections"] = .bool(interrupt) }
        if event.type == .poolCreated, let detail = event.detail {
            var options: [String: SpecJSON] = [:]
            for pair in detail.split(separator: ",") {
                let parts = pair.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                guard parts.count == 2 else { continue }
                options[parts[0]] = Int(parts[1]).map(SpecJSON.int) ?? .string(parts[1])
            }
            members["options"] = .object(options)
        }
        return .object(members)
    }

    func check(events: [PoolEvent]) {
        let ignored = Set(file.ignore ?? [])
        let actual = events.filter { !ignored.contains($0.type.specName) }.map(CMAPSpecRunner.json)
        for (index, expected) in (file.events ?? []).enumerated() {
            guard index < actual.count else {
                failures.append("expected event \(index) \(expected) but only \(actual.count) events were emitted: \(actual)")
                return
            }
            if let problem = SpecJSON.mismatch(actual: actual[index], expected: expected, path: "event[\(index)]") {
                failures.append("\(problem); events were:\n" + actual.enumerated().map { "  \($0.offset): \($0.element)" }.joined(separator: "\n"))
                return
            }
        }
    }
}
