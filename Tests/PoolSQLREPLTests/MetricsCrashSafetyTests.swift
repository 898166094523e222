import Foundation
import PoolSQL
import PoolSQLTestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Issue 5's crash test, with real processes: `poolsql --data-dir D` samples several pools of a
/// SecantusDB server every second into the embedded store while this test reads the file from
/// outside and remembers every sample it has seen committed; then the process is killed with
/// SIGKILL — at the moment the sampler's next write is due, or in the middle of a large COPY …
/// FROM transaction — and started again on the same directory, several times. After each
/// restart and at the end: the store opens (the WAL the killed process left behind is
/// recovered), `PRAGMA integrity_check` is ok, every sample seen committed is still there, no
/// row is partial (required columns set, counters ≥ 0, sketches decode, the COPY is all or
/// nothing) and the restarted process keeps sampling.
@Suite(.serialized) struct MetricsCrashSafetyTests {
    /// Kill/restart rounds; the round `copyRound` kills during a COPY, the others at the
    /// sampler's next write.
    static let rounds = 5
    static let copyRound = 2
    /// Rows of that COPY: enough for a transaction that spills pages into the WAL for a while.
    static let copyRows = 60_000
    static let pools = ["crash_a", "crash_b", "crash_c", "crash_d"]
    /// Ticks of a round's process seen committed before it is killed.
    static let ticksPerRound = 3

    /// What identifies a sample: one per pool, process and tick.
    struct SampleKey: Hashable {
        var microseconds: Int64
        var pool: String
        var instance: String

        init(_ sample: MetricsSample) {
            microseconds = sample.timestamp.microseconds
            pool = sample.poolName
            instance = sample.instanceID
        }
    }

    /// What one kill left behind.
    struct KillReport: CustomStringConvertible {
        var round: Int
        var rowsSeenCommitted: Int
        var wal: WALContents?
        /// Whether poolsql had printed the COPY's success before the kill.
        var copyReportedBeforeKill: Bool?
        var killedAsWALChanged: Bool?
        /// This round's process's rows in the store at the end.
        var rowsOfProcessAtEnd = 0
        var rowsOfProcessSeen = 0

        var description: String {
            let copy = copyReportedBeforeKill.map { $0 ? ", the COPY had reported success" : ", the COPY had not reported success" } ?? ""
            let timing = killedAsWALChanged.map { $0 ? ", killed as the WAL changed" : ", killed at the deadline (no WAL change seen)" } ?? ""
            return "round \(round): \(rowsSeenCommitted) rows seen committed in all (this process: \(rowsOfProcessSeen) seen, \(rowsOfProcessAtEnd) at the end)"
                + "\(timing)\(copy); WAL after the kill: \(wal?.description ?? "absent")"
        }
    }

    @Test func killNineWhileSamplingAndWritingLosesNoCommittedSampleAndLeavesNoPartialRow() throws {
        // Writing to the pipe of a child that died must be an error, not this process's death.
        signal(SIGPIPE, SIG_IGN)
        let server = try SecantusServer()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("poolsql-crash-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let storePath = directory.appendingPathComponent(EngineConfiguration.storeFileName).path
        let walPath = storePath + "-wal"
        let copyFile = directory.appendingPathComponent("bulk.csv")
        let copySketch = try Self.writeCopyFile(copyFile, rows: Self.copyRows)

        var committed: Set<SampleKey> = []
        var instances: [String] = []
        var reports: [KillReport] = []
        var copyReported: Bool?
        /// Rows of the COPY found after its crash: all or none, and the same at every restart.
        var copyOutcome: Int?
        func checkCopy(_ count: Int, _ context: String) {
            guard let copyReported else { return }
            #expect(count == 0 || count == Self.copyRows, "\(context): \(count) of the COPY's \(Self.copyRows) rows: half imported")
            if copyReported { #expect(count == Self.copyRows, "\(context): the COPY reported success, \(count) rows survived") }
            if let copyOutcome {
                #expect(count == copyOutcome, "\(context): \(count) rows of the COPY, \(copyOutcome) before")
            } else {
                copyOutcome = count
            }
        }

        for round in 0..<Self.rounds {
            if round > 0 {
                // The killed process left its WAL: the next start must recover it.
                #expect((Self.fileSize(walPath) ?? 0) > 0, "round \(round): no WAL left by the killed process")
            }
            let child = try PoolsqlChild(arguments: ["--no-init", "--data-dir", directory.path], outputDirectory: directory, tag: "round\(round)")
            defer { child.stop() }
            let setup = ["SET metrics_sample_interval = '1s';"]
                + Self.pools.map { "CREATE POOL \($0) URI '\(server.uri)' ENVIRONMENT 'crash' WITH (server_selection_timeout_ms = 5000);" }
                + ["\\echo ready \(round)"]
            try child.send(setup.joined(separator: "\n") + "\n")
            guard child.waitForOutputLine("ready \(round)", timeout: 120) else {
                Issue.record("round \(round): poolsql did not start: \(child.standardError)")
                return
            }
            let instance = "\(child.hostName):\(child.pid)"
            instances.append(instance)

            // The restarted process's store holds everything seen committed before the kill.
            var rows = try Self.readSamples(storePath)
            let missingAfterRestart = committed.subtracting(rows.map(SampleKey.init))
            #expect(missingAfterRestart.isEmpty, "round \(round): \(missingAfterRestart.count) committed samples lost, e.g. \(Array(missingAfterRestart.prefix(3)))")
            checkCopy(rows.filter { $0.poolName == "crash_copy" }.count, "round \(round)")

            // Sampling runs: wait for a few ticks of this process, remembering all it committed.
            let deadline = Date().addingTimeInterval(120)
            while Self.ticks(of: instance, in: rows) < Self.ticksPerRound, Date() < deadline, child.isRunning {
                Thread.sleep(forTimeInterval: 0.2)
                rows = try Self.readSamples(storePath)
            }
            guard Self.ticks(of: instance, in: rows) >= Self.ticksPerRound else {
                Issue.record("round \(round): \(instance) wrote \(Self.ticks(of: instance, in: rows)) ticks; stderr: \(child.standardError)")
                return
            }
            committed.formUnion(rows.map(SampleKey.init))

            var report = KillReport(round: round, rowsSeenCommitted: committed.count)
            report.rowsOfProcessSeen = rows.filter { $0.instanceID == instance }.count
            if round == Self.copyRound {
                report.copyReportedBeforeKill = try Self.killDuringCopy(child, storePath: storePath, file: copyFile)
            } else {
                report.killedAsWALChanged = Self.killAtNextWrite(child, lastTick: Self.lastTick(of: instance, in: rows), walPath: walPath)
            }
            #expect(child.wasKilledBySIGKILL, "round \(round): poolsql ended otherwise: \(child.standardError)")
            if round == Self.copyRound { copyReported = report.copyReportedBeforeKill }
            report.wal = WALContents(path: walPath)
            reports.append(report)
        }

        // The database and WAL alone (no -shm), as after a reboot, open in this process too:
        // a copy, so the restart below still finds the WAL.
        #expect((Self.fileSize(walPath) ?? 0) > 0, "no WAL left by the last killed process")
        let copyDirectory = directory.appendingPathComponent("without-shm")
        try FileManager.default.createDirectory(at: copyDirectory, withIntermediateDirectories: true)
        let copiedStore = copyDirectory.appendingPathComponent(EngineConfiguration.storeFileName).path
        try FileManager.default.copyItem(atPath: storePath, toPath: copiedStore)
        try FileManager.default.copyItem(atPath: walPath, toPath: copiedStore + "-wal")
        let recovered = try SQLiteStore(path: copiedStore)
        #expect(try recovered.integrityCheck() == ["ok"])
        let recoveredKeys = Set(try recovered.samples(.all).map(SampleKey.init))
        recovered.close()
        #expect(committed.isSubset(of: recoveredKeys), "\(committed.subtracting(recoveredKeys).count) committed samples lost in the copy")

        // A last restart of the engine on the crashed store, as a user would: poolsql -c.
        let count = try PoolsqlProcessTests().poolsql(["--no-init", "--data-dir", directory.path, "--format", "csv",
                                                      "-c", "SELECT count(*) AS n FROM connection_pool_metrics"])
        #expect(count.status == 0, "\(count.standardError)")
        let counted = Int(count.standardOutput.split(separator: "\n").last ?? "") ?? -1

        let store = try SQLiteStore(path: storePath)
        defer { store.close() }
        #expect(try store.integrityCheck() == ["ok"])
        // samples(.all) decodes every row, sketches included: a damaged row throws here.
        let all = try store.samples(.all)
        let keys = Set(all.map(SampleKey.init))
        let lost = committed.subtracting(keys)
        #expect(lost.isEmpty, "\(lost.count) committed samples lost, e.g. \(Array(lost.prefix(3)))")
        #expect(keys.count == all.count, "duplicate samples: \(all.count - keys.count)")
        // The copy recovered the same rows, and the restarted poolsql counted them (it had no
        // pools, so it added none).
        #expect(recoveredKeys == keys)
        #expect(counted == all.count)

        let healthStates: Set<String> = ["healthy", "unhealthy", "unknown", "disabled"]
        for row in all {
            #expect(!row.poolName.isEmpty && !row.instanceID.isEmpty && healthStates.contains(row.healthStatus), "\(row)")
            #expect(row.operations >= 0 && row.errors >= 0 && row.checkoutFailures >= 0 && row.connectionsCreated >= 0
                && row.connectionsDestroyed >= 0 && row.totalConnections >= 0 && row.activeConnections >= 0, "\(row)")
        }
        let copied = all.filter { $0.poolName == "crash_copy" }
        #expect(copyReported != nil, "the COPY round did not run")
        checkCopy(copied.count, "at the end")
        for row in copied {
            #expect(row.latencySketch == copySketch && row.operations == Int(copySketch.count), "\(row)")
        }

        // Every process, each started after the previous one was killed, sampled every pool.
        for (round, instance) in instances.enumerated() {
            let own = all.filter { $0.instanceID == instance }
            for pool in Self.pools {
                #expect(own.filter { $0.poolName == pool }.count >= Self.ticksPerRound, "round \(round): \(pool)")
            }
        }
        print("MetricsCrashSafetyTests: \(all.count) rows at the end (\(copied.count) from the COPY), \(committed.count) seen committed")
        for index in reports.indices {
            reports[index].rowsOfProcessAtEnd = all.filter { $0.instanceID == instances[index] }.count
        }
        for report in reports { print("MetricsCrashSafetyTests: \(report)") }
    }

    // MARK: Killing

    /// Kills `child` as its sampler's next write starts: from shortly before the tick that
    /// follows `lastTick`, watches the WAL file (size and modification time) and sends SIGKILL
    /// the moment it changes, so the kill lands while the transaction writes its frames or
    /// right after. Returns whether a change was seen (else the kill came at the deadline).
    static func killAtNextWrite(_ child: PoolsqlChild, lastTick: Timestamp, walPath: String) -> Bool {
        var due = Double(lastTick.microseconds) / 1_000_000 + 1
        while due < Date().timeIntervalSince1970 + 0.1 { due += 1 }
        Thread.sleep(forTimeInterval: due - 0.05 - Date().timeIntervalSince1970)
        let before = walStamp(walPath)
        let deadline = due + 2
        var changed = false
        while Date().timeIntervalSince1970 < deadline {
            if walStamp(walPath) != before {
                changed = true
                break
            }
        }
        child.killNine()
        return changed
    }

    /// Size and modification time (ns) of the WAL: any write changes them.
    static func walStamp(_ path: String) -> [Int64] {
        var info = stat()
        guard stat(path, &info) == 0 else { return [] }
        return [Int64(info.st_size), Int64(info.st_mtim.tv_sec), Int64(info.st_mtim.tv_nsec)]
    }

    /// Starts a COPY of `copyRows` rows and kills `child` while its transaction writes pages
    /// into the WAL, or as soon as this process sees COPY rows in the store (an atomic COPY
    /// shows them only once it committed; one that is not gets killed half way). Returns
    /// whether poolsql had printed the COPY's success by the time it was gone (then all its
    /// rows must survive; else all or none).
    static func killDuringCopy(_ child: PoolsqlChild, storePath: String, file: URL) throws -> Bool {
        let walPath = storePath + "-wal"
        let before = fileSize(walPath) ?? 0
        // Growth beyond what the sampler and checkpoints account for: the COPY's own pages.
        let threshold = max(before, 4 << 20) + (2 << 20)
        let observer = try SQLiteStore(path: storePath)
        let baseline = try observer.statistics().rawSamples
        try child.send("COPY connection_pool_metrics (metric_timestamp, pool_name, instance_id, health_status, operations, latency_sketch) FROM '\(file.path)' WITH (FORMAT csv, HEADER);\n\\echo copy done\n")
        let deadline = Date().addingTimeInterval(300)
        while Date() < deadline, child.isRunning {
            if (fileSize(walPath) ?? 0) > threshold { break }
            if child.standardOutput.contains("copy done") { break }
            // More new rows than the sampler writes in the meantime: the COPY's.
            if let rows = try? observer.statistics().rawSamples, rows - baseline > 200 { break }
            usleep(500)
        }
        // Closed while poolsql runs: closing the last connection would checkpoint and remove the WAL.
        observer.close()
        child.killNine()
        return child.standardOutput.contains("COPY \(copyRows)")
    }

    // MARK: Reading the store from outside

    /// Every sample in the store, read by this process while poolsql may be writing (WAL mode:
    /// a reader sees the last committed state). Retried a few times: a reader can get
    /// SQLITE_BUSY while another connection rebuilds the WAL index.
    static func readSamples(_ path: String) throws -> [MetricsSample] {
        var attempt = 0
        while true {
            let result = Result { () throws(PoolSQLError) -> [MetricsSample] in
                let store = try SQLiteStore(path: path)
                defer { store.close() }
                return try store.samples(.all)
            }
            guard case let .failure(error) = result, error.code == .objectInUse, attempt < 10 else { return try result.get() }
            attempt += 1
            Thread.sleep(forTimeInterval: 0.1)
        }
    }

    static func ticks(of instance: String, in rows: [MetricsSample]) -> Int {
        Set(rows.filter { $0.instanceID == instance }.map(\.timestamp.microseconds)).count
    }

    static func lastTick(of instance: String, in rows: [MetricsSample]) -> Timestamp {
        rows.filter { $0.instanceID == instance }.map(\.timestamp).max { $0.microseconds < $1.microseconds } ?? .now()
    }

    static func fileSize(_ path: String) -> Int? {
        (try? FileManager.default.attributesOfItem(atPath: path))?[.size].flatMap { ($0 as? NSNumber)?.intValue }
    }

    /// A CSV of `rows` samples of pool `crash_copy` from one day ago, 1 ms apart (inside the raw
    /// retention), each with the same latency sketch; returns that sketch.
    static func writeCopyFile(_ url: URL, rows: Int) throws -> LatencySketch {
        var sketch = LatencySketch()
        for ms in [0.4, 1.5, 2.5, 7.0, 120.0] { sketch.record(ms, times: 3) }
        let start = Timestamp.now().microseconds - 86_400_000_000
        var text = "metric_timestamp,pool_name,instance_id,health_status,operations,latency_sketch\n"
        text.reserveCapacity(rows * 140)
        let quoted = "\"" + sketch.encoded.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        for i in 0..<rows {
            let at = Timestamp(microseconds: start + Int64(i) * 1000, kind: .timestamptz)
            text += "\(at),crash_copy,copy:1,healthy,\(sketch.count),\(quoted)\n"
        }
        try Data(text.utf8).write(to: url)
        return sketch
    }
}

extension MetricsCrashSafetyTests {
    /// A `poolsql` process reading from a pipe this test keeps open, so it stays in its input
    /// loop while the sampler runs; its output goes to files in the test's directory.
    final class PoolsqlChild {
        let process = Process()
        let input = Pipe()
        let outputURL: URL
        let errorURL: URL

        init(arguments: [String], outputDirectory: URL, tag: String) throws {
            outputURL = outputDirectory.appendingPathComponent("\(tag).out")
            errorURL = outputDirectory.appendingPathComponent("\(tag).err")
            _ = FileManager.default.createFile(atPath: outputURL.path, contents: nil)
            _ = FileManager.default.createFile(atPath: errorURL.path, contents: nil)
            process.executableURL = try PoolsqlProcessTests.executableURL()
            process.arguments = arguments
            process.environment = PoolsqlProcessTests.environment()
            process.standardInput = input
            process.standardOutput = try FileHandle(forWritingTo: outputURL)
            process.standardError = try FileHandle(forWritingTo: errorURL)
            try process.run()
        }

        deinit { stop() }

        var pid: Int32 { process.processIdentifier }
        var isRunning: Bool { process.isRunning }

        /// The host part of the process's default `instance_id` (`host:pid`).
        var hostName: String {
            var buffer = [CChar](repeating: 0, count: 256)
            let host = gethostname(&buffer, buffer.count) == 0
                ? String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self) : "localhost"
            return host.isEmpty ? "localhost" : host
        }

        func send(_ text: String) throws {
            try input.fileHandleForWriting.write(contentsOf: Data(text.utf8))
        }

        var standardOutput: String { (try? String(contentsOf: outputURL, encoding: .utf8)) ?? "" }
        var standardError: String { (try? String(contentsOf: errorURL, encoding: .utf8)) ?? "" }

        /// Waits until standard output has the line `line`; false when the process ended or
        /// the time ran out first.
        func waitForOutputLine(_ line: String, timeout: TimeInterval) -> Bool {
            let deadline = Date().addingTimeInterval(timeout)
            while Date() < deadline {
                if standardOutput.split(separator: "\n").contains(where: { $0 == line }) { return true }
                if !process.isRunning { return false }
                Thread.sleep(forTimeInterval: 0.05)
            }
            return false
        }

        /// SIGKILL, then waits for the process to be gone.
        func killNine() {
            if process.isRunning { kill(pid, SIGKILL) }
            process.waitUntilExit()
            try? input.fileHandleForWriting.close()
        }

        var wasKilledBySIGKILL: Bool {
            !process.isRunning && process.terminationReason == .uncaughtSignal && process.terminationStatus == SIGKILL
        }

        /// Kills the process if it still runs (a failed test must not leave it behind).
        func stop() {
            guard process.isRunning else { return }
            killNine()
        }
    }

    /// The frames of a WAL file, by its format (sqlite.org/fileformat.html, "WAL file format"):
    /// a 32-byte header, then frames of a 24-byte header and one page. A frame whose header
    /// has a non-zero "database size" ends a committed transaction; frames after the last such
    /// frame belong to a transaction that never committed (the kill hit it while it wrote).
    /// Frames are matched by the header's salts; checksums are not verified.
    struct WALContents: CustomStringConvertible {
        var bytes: Int
        var pageSize: Int
        var frames: Int
        var committedFrames: Int
        /// Bytes of a frame the kill cut short (its header or part of its page written).
        var cutShortBytes: Int

        init?(path: String) {
            guard let data = FileManager.default.contents(atPath: path), data.count >= 32 else { return nil }
            let bytes = [UInt8](data)
            func u32(_ at: Int) -> UInt32 {
                bytes[at..<at + 4].reduce(0) { $0 << 8 | UInt32($1) }
            }
            guard u32(0) & 0xFFFF_FFFE == 0x377F_0682 else { return nil }
            self.bytes = bytes.count
            pageSize = Int(u32(8))
            let salts = (u32(16), u32(20))
            frames = 0
            committedFrames = 0
            var offset = 32
            while pageSize > 0, offset + 24 + pageSize <= bytes.count, (u32(offset + 8), u32(offset + 12)) == salts {
                frames += 1
                if u32(offset + 4) != 0 { committedFrames = frames }
                offset += 24 + pageSize
            }
            let rest = bytes.count - offset
            cutShortBytes = rest > 0 && rest < 24 + pageSize ? rest : 0
        }

        var description: String {
            "\(bytes) bytes, \(frames) frames of \(pageSize) bytes, \(frames - committedFrames) after the last commit"
                + (cutShortBytes > 0 ? ", then \(cutShortBytes) bytes of a frame cut short" : "")
        }
    }
}
