import PoolSQLCore

/// An identifier. Unquoted identifiers are folded to lower case by the parser (as PostgreSQL
/// does), so `value` is the name the catalog sees. `quoted` and `range` only describe how and
/// where it was written: they take no part in `==`/`hash`, so that a statement parsed from its
/// own printed form equals the original.
public struct Ident: Sendable, Hashable, CustomStringConvertible, ExpressibleByStringLiteral {
    public var value: String
    /// Written as `"…"` in the source.
    public var quoted: Bool
    public var range: SourceRange?

    public init(_ value: String, quoted: Bool = false, range: SourceRange? = nil) {
        self.value = value
        self.quoted = quoted
        self.range = range
    }

    public init(stringLiteral value: String) { self.init(value) }

    public static func == (lhs: Ident, rhs: Ident) -> Bool { lhs.value == rhs.value }
    public func hash(into hasher: inout Hasher) { hasher.combine(value) }
}

/// A possibly qualified name: `t`, `s.t`.
public struct ObjectName: Sendable, Hashable, CustomStringConvertible {
    public var parts: [Ident]

    public init(_ parts: [Ident]) { self.parts = parts }
    public init(_ name: Ident) { self.parts = [name] }

    /// The last part (the object's own name).
    public var name: Ident { parts.last ?? Ident("") }

    /// The range covering all parts, when known.
    public var range: SourceRange? {
        let ranges = parts.compactMap(\.range)
        guard var r = ranges.first else { return nil }
        for other in ranges.dropFirst() { r = r.union(other) }
        return r
    }
}
