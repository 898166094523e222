import PoolSQLCore

extension LoadTestOptions {
    /// The option names `RUN LOAD TEST … WITH (…)` takes.
    static let optionNames = ["concurrency", "duration", "operations", "operation", "target_ops_per_second",
                              "database", "collection", "keep_data"]

    /// Options from `WITH (name = value, …)`, values already evaluated. Unknown names are 42704
    /// with a "did you mean"; repeated names 42601; values of the wrong kind or out of range 22023.
    init(values: [(name: String, nameRange: SourceRange?, value: Value, valueRange: SourceRange?)]) throws(PoolSQLError) {
        self.init()
        var seen: Set<String> = []
        for option in values {
            let name = option.name.lowercased()
            guard Self.optionNames.contains(name) else {
                let closest = ClosestName.find(name, in: Self.optionNames)
                throw PoolSQLError(.undefinedObject, "unrecognized load test option \"\(option.name)\"",
                                   hint: closest.map { "did you mean \"\($0)\"?" } ?? "options: " + Self.optionNames.joined(separator: ", "),
                                   range: option.nameRange)
            }
            guard seen.insert(name).inserted else {
                throw PoolSQLError(.syntaxError, "option \"\(name)\" specified more than once", range: option.nameRange)
            }
            let reader = OptionValueReader(name: name, value: option.value, range: option.valueRange)
            switch name {
            case "concurrency": concurrency = try reader.integer()
            case "operations": operations = try reader.integer()
            case "duration": durationMilliseconds = try reader.durationMilliseconds()
            case "operation": operation = try LoadTestOperation.named(try reader.text(), range: option.valueRange)
            case "target_ops_per_second": targetOperationsPerSecond = try reader.number()
            case "database": database = try reader.text()
            case "collection": collection = try reader.text()
            case "keep_data": keepData = try reader.boolean()
            default: break
            }
        }
        if let problem = firstProblem() {
            // Point at the offending value.
            throw PoolSQLError(.invalidParameterValue, problem.message,
                               range: values.first { $0.name.lowercased() == problem.option }?.valueRange)
        }
    }
}

/// Reads one option value as the kind the option needs; 22023 naming the option otherwise.
private struct OptionValueReader {
    let name: String
    let value: Value
    let range: SourceRange?

    private func invalid(_ expected: String) -> PoolSQLError {
        PoolSQLError(.invalidParameterValue, "invalid value for load test option \"\(name)\": \(value.isNull ? "NULL" : "\"\(value.description)\"")",
                     hint: "expects \(expected)", range: range)
    }

    func integer() throws(PoolSQLError) -> Int {
        switch value {
        case let .int(i) where i >= Int64(Int32.min) * 1000 && i <= Int64(Int32.max) * 1000: return Int(i)
        case let .numeric(n) where n.value == n.rounded(toPlaces: 0).value && abs(n.doubleValue) < 1e12:
            return Int(n.doubleValue)
        case let .text(s):
            guard let i = Int(s.trimmingSpaces()) else { throw invalid("an integer") }
            return i
        default: throw invalid("an integer")
        }
    }

    func number() throws(PoolSQLError) -> Double {
        let number: Double?
        switch value {
        case let .int(i): number = Double(i)
        case let .numeric(n): number = n.doubleValue
        case let .double(d): number = d
        case let .text(s): number = Double(s.trimmingSpaces())
        default: number = nil
        }
        guard let number, number.isFinite else { throw invalid("a number") }
        return number
    }

    func text() throws(PoolSQLError) -> String {
        guard case let .text(s) = value else { throw invalid("a string") }
        return s
    }

    func boolean() throws(PoolSQLError) -> Bool {
        switch value {
        case let .bool(b): return b
        case let .text(s):
            switch s.lowercased() {
            case "on", "true", "yes", "t", "1": return true
            case "off", "false", "no", "f", "0": return false
            default: throw invalid("true or false")
            }
        default: throw invalid("true or false")
        }
    }

    /// `'30s'`, `'2 minutes'`, `'500ms'` or an interval. A bare number is refused: seconds or
    /// milliseconds would both be a guess.
    func durationMilliseconds() throws(PoolSQLError) -> Int64 {
        switch value {
        case let .text(s):
            guard !s.trimmingSpaces().isEmpty, Double(s.trimmingSpaces()) == nil, let ms = DurationText.parseMilliseconds(s) else {
                throw invalid("a duration with a unit, such as '30s', '500ms' or '2 minutes'")
            }
            return ms
        case let .interval(interval):
            return interval.approximateMicroseconds / 1000
        default:
            throw invalid("a duration with a unit, such as '30s', '500ms' or '2 minutes'")
        }
    }
}
