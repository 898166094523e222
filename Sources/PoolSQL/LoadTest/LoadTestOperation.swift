import PoolSQLCore

/// What a load test runs: `operation = 'ping' | 'find' | 'insert' | 'mixed' | 'read_only' |
/// 'write_heavy'`. The mixes are fixed shares of the basic commands, so two runs of the same
/// scenario put the same kind of pressure on the pool.
public enum LoadTestOperation: String, Sendable, Hashable, CaseIterable {
    /// `{ping: 1}` on `admin`: pool and network overhead only.
    case ping
    /// Finds one document by key.
    case find
    /// Inserts one small document.
    case insert
    /// 50 % finds, 30 % inserts, 20 % updates.
    case mixed
    /// 80 % finds, 20 % counts.
    case readOnly = "read_only"
    /// 20 % finds, 50 % inserts, 30 % updates.
    case writeHeavy = "write_heavy"

    /// The commands of the mix with their weights (percent, summing to 100).
    var mix: [(command: LoadTestCommand, weight: Int)] {
        switch self {
        case .ping: return [(.ping, 100)]
        case .find: return [(.find, 100)]
        case .insert: return [(.insert, 100)]
        case .mixed: return [(.find, 50), (.insert, 30), (.update, 20)]
        case .readOnly: return [(.find, 80), (.count, 20)]
        case .writeHeavy: return [(.find, 20), (.insert, 50), (.update, 30)]
        }
    }

    /// Whether the mix writes (it then works in a collection of its own, cleaned up afterwards).
    var writes: Bool { mix.contains { $0.command.writes } }

    /// Whether the mix reads documents by key (the test's own collection is then seeded first).
    var readsByKey: Bool { mix.contains { $0.command == .find || $0.command == .update } }

    /// The command for a uniformly drawn `roll` in 0..<100.
    func command(forRoll roll: Int) -> LoadTestCommand {
        var remaining = roll
        for (command, weight) in mix {
            if remaining < weight { return command }
            remaining -= weight
        }
        return mix[mix.count - 1].command
    }

    /// The operation named `text` (case-insensitive), or 22023 naming the valid ones.
    static func named(_ text: String, range: SourceRange?) throws(PoolSQLError) -> LoadTestOperation {
        let lowered = text.lowercased()
        if let operation = LoadTestOperation(rawValue: lowered) { return operation }
        let names = allCases.map(\.rawValue)
        let closest = ClosestName.find(lowered, in: names)
        throw PoolSQLError(.invalidParameterValue, "invalid load test operation \"\(text)\"",
                           hint: (closest.map { "did you mean \"\($0)\"? " } ?? "") + "operations: " + names.joined(separator: ", "),
                           range: range)
    }
}

/// One basic MongoDB command a load-test worker runs.
enum LoadTestCommand: String, Sendable, Hashable {
    case ping, find, insert, update, count

    var writes: Bool { self == .insert || self == .update }
}
