import PoolSQLCore
import PoolSQLPool

/// Where a load test's commands go and what they look like, plus the set-up before and the
/// clean-up after the measured run.
///
/// - Without `collection`, the test works in a collection of its own, `poolsql_load_<run id>`,
///   seeded with `seedDocuments` keyed documents when the mix reads by key, and dropped
///   afterwards (unless `keep_data`).
/// - With `collection` and a mix that writes, the test's documents in it carry
///   `poolsql_load_run: <run id>`; reads and updates touch only those, and they are deleted
///   afterwards (unless `keep_data`). The user's own documents are never changed.
/// - With `collection` and a read-only mix, the test reads the collection as it is.
struct LoadTestWorkload: Sendable {
    enum Placement: Sendable, Hashable {
        case ownCollection
        case markedDocuments
        case readExisting
    }

    let database: String
    let collection: String
    let runID: String
    let operation: LoadTestOperation
    let placement: Placement
    let keepData: Bool

    /// Documents seeded for reads and updates by key.
    static let seedDocuments = 500
    /// The field marking the test's documents in a user's collection.
    static let runField = "poolsql_load_run"

    init(options: LoadTestOptions, runID: String) {
        database = options.database
        operation = options.operation
        keepData = options.keepData
        self.runID = runID
        if let collection = options.collection {
            self.collection = collection
            placement = options.operation.writes ? .markedDocuments : .readExisting
        } else {
            collection = "poolsql_load_\(runID)"
            placement = .ownCollection
        }
    }

    /// Whether the test touches a collection at all (a `ping` test does not).
    var usesCollection: Bool { operation != .ping }

    /// Whether keyed documents are inserted before the run.
    var seeds: Bool { operation.readsByKey && placement != .readExisting }

    /// A short random id for a run's collection and marker.
    static func makeRunID() -> String {
        let value = UInt64.random(in: 0...UInt64(UInt32.max))
        let hex = String(value, radix: 16)
        return String(repeating: "0", count: max(0, 8 - hex.count)) + hex
    }

    /// Inserts the keyed documents reads and updates look for, and indexes the key in the
    /// test's own collection (so reads stay point lookups while inserts grow it).
    func prepare(_ pool: MongoPool) throws {
        guard usesCollection, seeds else { return }
        if placement == .ownCollection {
            let index = "{\"createIndexes\": \(JSONText.string(collection)), \"indexes\": [{\"key\": {\"k\": 1}, \"name\": \"k_1\"}]}"
            _ = try pool.runCommand(database: database, commandJSON: index)
        }
        let documents = (0..<Self.seedDocuments).map { document(key: $0, worker: -1) }
        let command = "{\"insert\": \(JSONText.string(collection)), \"documents\": [\(documents.joined(separator: ", "))], \"ordered\": false}"
        let reply = try pool.runCommand(database: database, commandJSON: command)
        try Self.checkWriteReply(reply)
    }

    /// Drops the test's collection or deletes its marked documents, unless `keep_data`.
    /// Returns what was left behind for a notice, nil when nothing was.
    func cleanUp(_ pool: MongoPool) throws -> String? {
        guard usesCollection else { return nil }
        switch placement {
        case .readExisting:
            return nil
        case .ownCollection:
            if keepData { return "collection \(database).\(collection) was kept (keep_data)" }
            _ = try pool.runCommand(database: database, commandJSON: "{\"drop\": \(JSONText.string(collection))}")
            return nil
        case .markedDocuments:
            if keepData { return "the test's documents in \(database).\(collection) were kept (keep_data); they have \(Self.runField) = '\(runID)'" }
            let command = "{\"delete\": \(JSONText.string(collection)), \"deletes\": [{\"q\": {\"\(Self.runField)\": \(JSONText.string(runID))}, \"limit\": 0}]}"
            _ = try pool.runCommand(database: database, commandJSON: command)
            return nil
        }
    }

    /// Runs one command of the mix on `connection`. `sequence` makes inserted keys unique;
    /// `random` picks the key a read or update looks for.
    func run(_ command: LoadTestCommand, on connection: MongoConnection, sequence: Int, worker: Int, random: UInt64) throws {
        let key = Int(random % UInt64(Self.seedDocuments))
        switch command {
        case .ping:
            try connection.ping()
        case .find:
            let body = "{\"find\": \(JSONText.string(collection)), \"filter\": \(filter(key: key)), \"limit\": 1, \"singleBatch\": true}"
            _ = try connection.runCommand(database: database, commandJSON: body)
        case .count:
            let query: String
            switch placement {
            case .readExisting: query = "{}"
            case .ownCollection: query = "{\"k\": {\"$lt\": \(key)}}"
            case .markedDocuments: query = "{\"\(Self.runField)\": \(JSONText.string(runID)), \"k\": {\"$lt\": \(key)}}"
            }
            // The limit keeps a count over a large user collection cheap.
            let body = "{\"count\": \(JSONText.string(collection)), \"query\": \(query), \"limit\": 1000}"
            _ = try connection.runCommand(database: database, commandJSON: body)
        case .insert:
            let body = "{\"insert\": \(JSONText.string(collection)), \"documents\": [\(document(key: Self.seedDocuments + sequence, worker: worker))]}"
            try Self.checkWriteReply(try connection.runCommand(database: database, commandJSON: body))
        case .update:
            let body = "{\"update\": \(JSONText.string(collection)), \"updates\": [{\"q\": \(filter(key: key)), \"u\": {\"$inc\": {\"updates\": 1}}}]}"
            try Self.checkWriteReply(try connection.runCommand(database: database, commandJSON: body))
        }
    }

    private func filter(key: Int) -> String {
        switch placement {
        case .readExisting: return "{}"
        case .ownCollection: return "{\"k\": \(key)}"
        case .markedDocuments: return "{\"\(Self.runField)\": \(JSONText.string(runID)), \"k\": \(key)}"
        }
    }

    private func document(key: Int, worker: Int) -> String {
        var fields = "\"k\": \(key), \"worker\": \(worker), \"payload\": \"\(Self.payload)\""
        if placement == .markedDocuments { fields += ", \"\(Self.runField)\": \(JSONText.string(runID))" }
        return "{\(fields)}"
    }

    /// 64 bytes of filler, so a write moves a realistic small document.
    private static let payload = String(repeating: "poolsql-", count: 8)

    /// A write the server accepted with `ok: 1` can still have failed per document.
    static func checkWriteReply(_ reply: String) throws {
        guard reply.contains("\"writeErrors\"") || reply.contains("\"writeConcernError\"") else { return }
        // HV000, the code the pool gives commands the server rejected.
        throw PoolSQLError("HV000", "MongoDB write failed: \(reply.prefix(300))")
    }
}

/// JSON text for command documents.
enum JSONText {
    /// `value` as a JSON string literal (the MongoDB store's writer does the escaping).
    static func string(_ value: String) -> String { ExtendedJSON.string(value).serialized }
}
