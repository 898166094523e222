import Foundation

/// A JSON value of a CMAP spec test file (booleans kept apart from numbers, as MATCH needs).
enum SpecJSON: Decodable, Sendable, CustomStringConvertible {
    case null
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case array([SpecJSON])
    case object([String: SpecJSON])

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() { self = .null }
        else if let value = try? container.decode(Bool.self) { self = .bool(value) }
        else if let value = try? container.decode(Int.self) { self = .int(value) }
        else if let value = try? container.decode(Double.self) { self = .double(value) }
        else if let value = try? container.decode(String.self) { self = .string(value) }
        else if let value = try? container.decode([SpecJSON].self) { self = .array(value) }
        else { self = .object(try container.decode([String: SpecJSON].self)) }
    }

    subscript(key: String) -> SpecJSON? {
        if case let .object(members) = self { return members[key] }
        return nil
    }

    var string: String? { if case let .string(value) = self { return value }; return nil }
    var int: Int? {
        switch self {
        case let .int(value): return value
        case let .double(value): return Int(exactly: value)
        default: return nil
        }
    }
    var bool: Bool? { if case let .bool(value) = self { return value }; return nil }
    var array: [SpecJSON]? { if case let .array(value) = self { return value }; return nil }
    var object: [String: SpecJSON]? { if case let .object(value) = self { return value }; return nil }
    var number: Double? {
        switch self {
        case let .int(value): return Double(value)
        case let .double(value): return value
        default: return nil
        }
    }

    /// Compact JSON text (keys sorted), for commands and messages.
    var description: String {
        switch self {
        case .null: return "null"
        case let .bool(value): return value ? "true" : "false"
        case let .int(value): return String(value)
        case let .double(value): return String(value)
        case let .string(value):
            let data = (try? JSONSerialization.data(withJSONObject: [value], options: [.fragmentsAllowed])) ?? Data()
            let text = String(decoding: data, as: UTF8.self)
            return String(text.dropFirst().dropLast())
        case let .array(values): return "[" + values.map(\.description).joined(separator: ", ") + "]"
        case let .object(members):
            return "{" + members.keys.sorted().map { key in
                SpecJSON.string(key).description + ": " + (members[key] ?? .null).description
            }.joined(separator: ", ") + "}"
        }
    }

    /// The spec runner README's MATCH: `expected` is a subset of `actual`; `42` and `"42"`
    /// accept any present value. Returns nil on a match, else what differs.
    static func mismatch(actual: SpecJSON?, expected: SpecJSON, path: String) -> String? {
        if case .int(42) = expected { return actual == nil || actual.map(isNull) == true ? "\(path) is missing" : nil }
        if case .string("42") = expected { return actual == nil || actual.map(isNull) == true ? "\(path) is missing" : nil }
        guard let actual else { return "\(path) is missing (expected \(expected))" }
        switch expected {
        case let .object(members):
            guard case .object = actual else { return "\(path) is \(actual), expected an object \(expected)" }
            for key in members.keys.sorted() {
                if let problem = mismatch(actual: actual[key], expected: members[key] ?? .null, path: "\(path).\(key)") {
                    return problem
                }
            }
            return nil
        case let .array(values):
            guard case let .array(actualValues) = actual else { return "\(path) is \(actual), expected an array" }
            for (index, value) in values.enumerated() {
                if let problem = mismatch(actual: index < actualValues.count ? actualValues[index] : nil, expected: value,
                                          path: "\(path)[\(index)]") {
                    return problem
                }
            }
            return nil
        case .int, .double:
            guard let number = actual.number, let expectedNumber = expected.number else {
                return "\(path) is \(actual), expected the number \(expected)"
            }
            return number == expectedNumber ? nil : "\(path) is \(actual), expected \(expected)"
        case let .string(text):
            return actual.string == text ? nil : "\(path) is \(actual), expected \(expected)"
        case let .bool(value):
            return actual.bool == value ? nil : "\(path) is \(actual), expected \(expected)"
        case .null:
            return isNull(actual) ? nil : "\(path) is \(actual), expected null"
        }
    }

    private static func isNull(_ value: SpecJSON) -> Bool {
        if case .null = value { return true }
        return false
    }
}
