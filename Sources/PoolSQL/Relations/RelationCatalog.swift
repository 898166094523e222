import PoolSQLCatalog
import PoolSQLCore
import PoolSQLPlanner
import PoolSQLSyntax

/// What one statement sees: the built-in virtual tables, the user tables and the views, as of
/// the statement's start.
struct RelationCatalog: ViewCatalog {
    let builtIn: [String: any TableProvider]
    let relations: RelationRegistry.State

    func table(named name: String) -> (any TableProvider)? { relations.tables[name] ?? builtIn[name] }

    func view(named name: String) -> Query? { relations.views[name]?.query }

    var tableNames: [String] { (Array(builtIn.keys) + Array(relations.tables.keys) + relations.viewOrder).sorted() }

    /// What kind of relation `name` is, if it exists.
    func kind(of name: String) -> RelationKind? {
        if relations.views[name] != nil { return .view }
        if relations.tables[name] != nil { return .table }
        if builtIn[name] != nil { return .builtIn }
        return nil
    }
}

enum RelationKind {
    case view, table, builtIn
}
