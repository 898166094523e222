import PoolSQLCore

/// Resolves table names. Names reach the catalog already case-folded the PostgreSQL way
/// (unquoted identifiers lower-cased, quoted ones kept), and are matched exactly.
public protocol Catalog: Sendable {
    func table(named name: String) -> (any TableProvider)?
    /// Every table name, for "did you mean" hints and listings.
    var tableNames: [String] { get }
}

extension Catalog {
    /// The table, or 42P01 `relation "x" does not exist` with the closest name as a hint.
    public func resolveTable(_ name: String, range: SourceRange? = nil) throws(PoolSQLError) -> any TableProvider {
        if let table = table(named: name) { return table }
        let hint = ClosestName.find(name, in: tableNames).map { "did you mean \"\($0)\"?" }
        throw PoolSQLError(.undefinedTable, "relation \"\(name)\" does not exist", hint: hint, range: range)
    }
}
