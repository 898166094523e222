import PoolSQLCore
import PoolSQLSyntax

/// The columns visible to expressions at one point of a query, for name resolution.
struct BindScope {
    var columns: [PlanColumn]

    static let empty = BindScope(columns: [])

    /// Resolves `name` or `qualifier.name` to a column position, with PostgreSQL's errors:
    /// 42703 (with the closest column as hint), 42702 when ambiguous, 42P01 for an unknown
    /// qualifier.
    func resolve(_ name: Ident, qualifier: Ident?, range: SourceRange?) throws(PoolSQLError) -> Int {
        if let qualifier {
            guard columns.contains(where: { $0.qualifier == qualifier.value }) else {
                throw PoolSQLError(.undefinedTable, "missing FROM-clause entry for table \"\(qualifier.value)\"", range: qualifier.range ?? range)
            }
            let matches = columns.indices.filter { columns[$0].qualifier == qualifier.value && columns[$0].name == name.value }
            if matches.count == 1 { return matches[0] }
            if matches.count > 1 {
                throw PoolSQLError(.ambiguousColumn, "column reference \"\(qualifier.value).\(name.value)\" is ambiguous", range: range)
            }
            let candidates = columns.filter { $0.qualifier == qualifier.value }.map(\.name)
            throw PoolSQLError(.undefinedColumn, "column \(qualifier.value).\(name.value) does not exist",
                               hint: ClosestName.find(name.value, in: candidates).map { "did you mean \"\(qualifier.value).\($0)\"?" },
                               range: range)
        }
        let matches = columns.indices.filter { columns[$0].name == name.value && !columns[$0].qualifiedOnly }
        if matches.count == 1 { return matches[0] }
        if matches.count > 1 {
            throw PoolSQLError(.ambiguousColumn, "column reference \"\(name.value)\" is ambiguous", range: range)
        }
        throw PoolSQLError(.undefinedColumn, "column \"\(name.value)\" does not exist",
                           hint: ClosestName.find(name.value, in: columns.filter { !$0.qualifiedOnly }.map(\.name)).map { "did you mean \"\($0)\"?" },
                           range: range)
    }
}
