import PoolSQLCatalog
import PoolSQLCore
import PoolSQLExecution
import PoolSQLPlanner
import PoolSQLSyntax

extension Session {
    /// `CREATE [OR REPLACE] VIEW name [(cols)] AS query`. The query is planned now, so a
    /// misspelt table or column is reported here, at its place in the statement.
    func runCreateView(_ create: CreateView) throws(PoolSQLError) -> QueryResult {
        let name = try Session.relationName(create.name)
        let catalog = engine.relationCatalog()
        let columns = try Session.outputColumns(of: create.query, renamedBy: create.columns, catalog: catalog,
                                                tooMany: "CREATE VIEW specifies more column names than columns")
        let stored = StoredView(name: name, columns: create.columns.map(\.value), sql: create.query.description)
        let query = RelationRegistry.viewQuery(create.query, name: name, columns: stored.columns)
        let dependencies = Set(catalog.tableNames.filter { create.query.references(table: $0) })
        let builtIn = engine.relations.builtInNames
        return try engine.relations.update { (state) throws(PoolSQLError) -> QueryResult in
            if state.tables[name] != nil || builtIn.contains(name) {
                if create.orReplace {
                    throw PoolSQLError(.wrongObjectType, "\"\(name)\" is not a view", range: create.name.range)
                }
                throw PoolSQLError(.duplicateTable, "relation \"\(name)\" already exists", range: create.name.range)
            }
            let temporaryBefore = Set(state.viewOrder.filter { state.views[$0]?.temporary == true })
            if let old = state.views[name] {
                guard create.orReplace else {
                    throw PoolSQLError(.duplicateTable, "relation \"\(name)\" already exists", hint: "CREATE OR REPLACE VIEW replaces it.", range: create.name.range)
                }
                if state.dependsTransitively(dependencies, on: name) {
                    throw PoolSQLError(.invalidObjectDefinition, "infinite recursion detected in view \"\(name)\"", range: create.name.range)
                }
                try Session.checkReplacement(of: old, by: columns, name: name, catalog: catalog, range: create.name.range)
                state.views[name] = .init(stored: stored, query: query, dependencies: dependencies, temporary: false)
            } else {
                state.views[name] = .init(stored: stored, query: query, dependencies: dependencies, temporary: false)
                state.viewOrder.append(name)
            }
            state.propagateTemporary()
            var notices: [String] = []
            if state.views[name]?.temporary == true {
                notices.append("view \"\(name)\" will be a temporary view: it reads a user table, which is not kept across restarts")
            }
            // Views over a view that just became temporary are no longer kept either: say so.
            for other in state.viewOrder where other != name && state.views[other]?.temporary == true && !temporaryBefore.contains(other) {
                notices.append("view \"\(other)\" becomes a temporary view too: it reads \"\(name)\"")
            }
            return .command("CREATE VIEW", notices: notices)
        }
    }

    /// PostgreSQL's rule for `CREATE OR REPLACE VIEW`: the old columns stay, with their names
    /// and types, in their places; new ones may only be added at the end.
    static func checkReplacement(of old: RelationRegistry.View, by columns: [(name: String, type: DataType)],
                                 name: String, catalog: RelationCatalog, range: SourceRange?) throws(PoolSQLError) {
        // An old definition that no longer plans (its tables changed) may be replaced freely.
        guard let oldColumns = try? QueryExecutor.columns(of: old.query, catalog: catalog) else { return }
        if columns.count < oldColumns.count {
            throw PoolSQLError(.invalidTableDefinition, "cannot drop columns from view", range: range)
        }
        for (before, after) in zip(oldColumns, columns) {
            if before.name != after.name {
                throw PoolSQLError(.invalidTableDefinition, "cannot change name of view column \"\(before.name)\" to \"\(after.name)\"",
                                   hint: "DROP VIEW \(name) first, then create it again.", range: range)
            }
            if before.type != after.type {
                throw PoolSQLError(.invalidTableDefinition,
                                   "cannot change data type of view column \"\(before.name)\" from \(before.type.postgresName) to \(after.type.postgresName)",
                                   range: range)
            }
        }
    }

    /// The output columns of `query`, renamed by a column list (which may be shorter, not longer),
    /// untyped ones as text; names must be unique (42701), as a relation's columns must.
    static func outputColumns(of query: Query, renamedBy names: [Ident], catalog: RelationCatalog,
                              tooMany: String) throws(PoolSQLError) -> [(name: String, type: DataType)] {
        var columns = try QueryExecutor.columns(of: query, catalog: catalog)
        if names.count > columns.count {
            throw PoolSQLError(.syntaxError, tooMany, range: names[columns.count].range)
        }
        for (i, name) in names.enumerated() { columns[i].name = name.value }
        try checkUniqueNames(columns.map(\.name), ranges: names.map(\.range))
        return columns.map { ($0.name, $0.type == .unknown ? .text : $0.type) }
    }

    static func checkUniqueNames(_ names: [String], ranges: [SourceRange?]) throws(PoolSQLError) {
        var seen: Set<String> = []
        for (i, name) in names.enumerated() where !seen.insert(name).inserted {
            throw PoolSQLError(.duplicateColumn, "column \"\(name)\" specified more than once", range: i < ranges.count ? ranges[i] : nil)
        }
    }

    /// The name of a relation to create or drop: `name`, or `public.name` / `poolsql.name`.
    static func relationName(_ name: ObjectName) throws(PoolSQLError) -> String {
        if name.parts.count > 2 || (name.parts.count == 2 && !["public", "poolsql"].contains(name.parts[0].value)) {
            let schema = name.parts.dropLast().map(\.value).joined(separator: ".")
            throw PoolSQLError(.invalidSchemaName, "schema \"\(schema)\" does not exist", range: name.range)
        }
        return name.name.value
    }

    /// `DROP VIEW|TABLE [IF EXISTS] name, … [CASCADE]`. Every name is checked before anything is
    /// dropped; a relation other views read is not dropped (2BP01) unless those views go too, as
    /// with CASCADE.
    func runDropRelations(_ drop: Drop) throws(PoolSQLError) -> QueryResult {
        let kind = drop.kind
        let names = try drop.names.map { (objectName) throws(PoolSQLError) in (try Session.relationName(objectName), objectName.range) }
        let builtIn = engine.relations.builtInNames
        let tag = "DROP \(kind.rawValue)"
        return try engine.relations.update { (state) throws(PoolSQLError) -> QueryResult in
            var notices: [String] = [], dropping: [String] = []
            for (name, range) in names {
                let isView = state.views[name] != nil, isTable = state.tables[name] != nil
                switch kind {
                case .view where isView, .table where isTable:
                    dropping.append(name)
                case .view where isTable:
                    throw PoolSQLError(.wrongObjectType, "\"\(name)\" is not a view", hint: "Use DROP TABLE to remove a table.", range: range)
                case .table where isView:
                    throw PoolSQLError(.wrongObjectType, "\"\(name)\" is not a table", hint: "Use DROP VIEW to remove a view.", range: range)
                case _ where builtIn.contains(name):
                    throw PoolSQLError(.wrongObjectType, "\"\(name)\" is a built-in table and cannot be dropped", range: range)
                default:
                    let noun = kind == .view ? "view" : "table"
                    guard drop.ifExists else {
                        let candidates = kind == .view ? state.viewOrder : Array(state.tables.keys)
                        let hint = ClosestName.find(name, in: candidates).map { "did you mean \"\($0)\"?" }
                        throw PoolSQLError(.undefinedTable, "\(noun) \"\(name)\" does not exist", hint: hint, range: range)
                    }
                    notices.append("\(noun) \"\(name)\" does not exist, skipping")
                }
            }
            var dropSet = Set(dropping)
            if drop.cascade {
                // Every view that reads a dropped relation, directly or through other views.
                var pending = dropping
                while let next = pending.popLast() {
                    for dependent in state.dependents(of: next) where dropSet.insert(dependent).inserted {
                        pending.append(dependent)
                        dropping.append(dependent)
                        notices.append("drop cascades to view \(dependent)")
                    }
                }
            }
            for (name, range) in names where dropSet.contains(name) {
                let blocking = state.dependents(of: name).filter { !dropSet.contains($0) }
                guard blocking.isEmpty else {
                    let noun = kind == .view ? "view" : "table"
                    throw PoolSQLError(.dependentObjectsStillExist, "cannot drop \(noun) \(name) because other objects depend on it",
                                       detail: blocking.map { "view \($0) depends on \(noun) \(name)" }.joined(separator: "\n"),
                                       hint: "Use DROP ... CASCADE to drop the dependent views too.", range: range)
                }
            }
            for name in dropping {
                state.views[name] = nil
                state.tables[name] = nil
                state.defaults[name] = nil
                state.uniqueColumns[name] = nil
            }
            state.viewOrder.removeAll { dropSet.contains($0) }
            return .command(tag, notices: notices)
        }
    }
}
