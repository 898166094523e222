import PoolSQLCatalog
import PoolSQLCore
import PoolSQLPlanner
import PoolSQLSyntax
import Synchronization

/// The engine's user-defined relations: views (persisted through a `ViewStore`) and user tables
/// (in memory for the engine's lifetime). Tables and views share one namespace with the
/// built-in virtual tables, as relations do in PostgreSQL.
final class RelationRegistry: Sendable {
    struct View: Sendable {
        var stored: StoredView
        /// The query the planner inlines: the stored query, renamed by the view's column list.
        var query: Query
        /// Relations the view's query names directly.
        var dependencies: Set<String>
        /// A view over a user table lives as long as the table: it is not persisted (PostgreSQL
        /// makes such views temporary too).
        var temporary: Bool
    }

    struct State: Sendable {
        var tables: [String: MemoryTable] = [:]
        /// `DEFAULT` expressions of user-table columns, by table and column position.
        var defaults: [String: [Int: Expr]] = [:]
        /// `PRIMARY KEY` and `UNIQUE` columns of user tables, by table.
        var uniqueColumns: [String: [UniqueColumn]] = [:]
        var views: [String: View] = [:]
        /// View names in creation order (the order they are stored in).
        var viewOrder: [String] = []

        var persistedViews: [StoredView] {
            viewOrder.compactMap { views[$0] }.filter { !$0.temporary }.map(\.stored)
        }

        /// Views that name `relation` directly, in creation order.
        func dependents(of relation: String) -> [String] {
            viewOrder.filter { views[$0]?.dependencies.contains(relation) == true }
        }

        /// Whether `relation` is reachable from `start` through view dependencies.
        func dependsTransitively(_ start: Set<String>, on relation: String) -> Bool {
            var pending = Array(start), seen: Set<String> = []
            while let next = pending.popLast() {
                if next == relation { return true }
                guard seen.insert(next).inserted, let view = views[next] else { continue }
                pending.append(contentsOf: view.dependencies)
            }
            return false
        }

        /// Recomputes which views are temporary (those reading a user table or a temporary view).
        mutating func propagateTemporary() {
            var changed = true
            while changed {
                changed = false
                for name in viewOrder {
                    guard let view = views[name] else { continue }
                    let temporary = view.dependencies.contains { tables[$0] != nil || views[$0]?.temporary == true }
                    if temporary != view.temporary {
                        views[name]?.temporary = temporary
                        changed = true
                    }
                }
            }
        }
    }

    /// A single-column PRIMARY KEY or UNIQUE constraint, named as PostgreSQL names them.
    struct UniqueColumn: Sendable {
        var column: Int
        var constraint: String
    }

    let store: any ViewStore
    let builtInNames: Set<String>
    private let state: Mutex<State>

    /// Loads the stored views. A store that cannot be read, or a stored query that no longer
    /// parses, is an error: starting without the views would lose them at the next save.
    init(store: any ViewStore, builtInNames: Set<String>) throws(PoolSQLError) {
        self.store = store
        self.builtInNames = builtInNames
        var state = State()
        let stored = try store.loadViews()
        let names = Set(stored.map(\.name)).union(builtInNames)
        for view in stored {
            guard state.views[view.name] == nil else {
                throw PoolSQLError(.dataCorrupted, "stored view \"\(view.name)\" appears more than once in \(Self.describe(store))")
            }
            let query: Query
            do {
                query = try Parser.parseQuery(view.sql)
            } catch {
                throw PoolSQLError(.dataCorrupted, "stored view \"\(view.name)\" in \(Self.describe(store)) does not parse: \(error.message)",
                                   detail: view.sql)
            }
            state.views[view.name] = View(stored: view, query: Self.viewQuery(query, name: view.name, columns: view.columns),
                                          dependencies: Set(names.filter { query.references(table: $0) }), temporary: false)
            state.viewOrder.append(view.name)
        }
        self.state = Mutex(state)
    }

    private static func describe(_ store: any ViewStore) -> String {
        if let file = store as? JSONFileViewStore { return "\"\(file.path)\"" }
        if let location = (store as? MetadataViewStore)?.location { return "\"\(location)\"" }
        return "the view store"
    }

    /// The query the planner sees for a view: `SELECT * FROM (query) AS name(columns)` when
    /// the view renames columns, else the query itself.
    static func viewQuery(_ query: Query, name: String, columns: [String]) -> Query {
        guard !columns.isEmpty else { return query }
        let alias = TableAlias(name: Ident(name, quoted: true), columns: columns.map { Ident($0, quoted: true) })
        return Query(body: .select(Select(projection: [.wildcard], from: [.derived(lateral: false, query, alias: alias)])))
    }

    var snapshot: State { state.withLock { $0 } }

    /// Runs `change` on a copy of the state; when it succeeds and the persisted views differ,
    /// saves them first, and only then makes the copy current. A failed save changes nothing.
    func update<Result: Sendable>(_ change: (inout State) throws(PoolSQLError) -> Result) throws(PoolSQLError) -> Result {
        try state.withLock { (current: inout State) throws(PoolSQLError) -> Result in
            var next = current
            let result = try change(&next)
            next.propagateTemporary()
            let persisted = next.persistedViews
            if persisted != current.persistedViews { try store.saveViews(persisted) }
            current = next
            return result
        }
    }
}
