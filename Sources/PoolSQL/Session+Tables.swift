import PoolSQLCatalog
import PoolSQLCore
import PoolSQLExecution
import PoolSQLPlanner
import PoolSQLSyntax

extension Session {
    /// `CREATE TABLE [IF NOT EXISTS] name (col type [NOT NULL], …)` or
    /// `CREATE TABLE name [(cols)] AS query`. User tables live in memory for the engine's life.
    func runCreateTable(_ create: CreateTable, context: ExecutionContext) throws(PoolSQLError) -> QueryResult {
        let name = try Session.relationName(create.name)
        let table: MemoryTable
        var defaults: [Int: Expr] = [:]
        var uniqueColumns: [RelationRegistry.UniqueColumn] = []
        var tag = "CREATE TABLE"
        if let query = create.asQuery {
            let catalog = engine.relationCatalog()
            let columns = try Session.outputColumns(of: query, renamedBy: create.columns.map(\.name), catalog: catalog,
                                                    tooMany: "too many column names were specified")
            let result = try QueryExecutor.execute(query: query, catalog: catalog, context: context)
            table = MemoryTable(columns: columns.map { PoolSQLCatalog.ColumnDefinition(name: $0.name, type: $0.type) })
            try table.insert(contentsOf: result.rows)
            tag = "SELECT \(result.rows.count)"
        } else {
            var columns: [PoolSQLCatalog.ColumnDefinition] = []
            for definition in create.columns {
                guard let type = definition.dataType else {
                    throw PoolSQLError.syntax("column \"\(definition.name.value)\" needs a data type", at: definition.name.range)
                }
                var nullable = true
                for constraint in definition.constraints {
                    switch constraint {
                    case .notNull: nullable = false
                    case .null: nullable = true
                    case .primaryKey:
                        if uniqueColumns.contains(where: { $0.constraint == "\(name)_pkey" }) {
                            throw PoolSQLError(.invalidTableDefinition, "multiple primary keys for table \"\(name)\" are not allowed",
                                               range: definition.name.range)
                        }
                        nullable = false
                        uniqueColumns.append(.init(column: columns.count, constraint: "\(name)_pkey"))
                    case .unique:
                        uniqueColumns.append(.init(column: columns.count, constraint: "\(name)_\(definition.name.value)_key"))
                    case let .default(expr): defaults[columns.count] = expr
                    }
                }
                let column = PoolSQLCatalog.ColumnDefinition(name: definition.name.value, type: type, nullable: nullable)
                if let expr = defaults[columns.count] { try Session.checkDefault(expr, for: column, catalog: engine.relationCatalog()) }
                columns.append(column)
            }
            try Session.checkUniqueNames(columns.map(\.name), ranges: create.columns.map(\.name.range))
            table = MemoryTable(columns: columns)
        }
        let builtIn = engine.relations.builtInNames
        return try engine.relations.update { (state) throws(PoolSQLError) -> QueryResult in
            if state.tables[name] != nil || state.views[name] != nil || builtIn.contains(name) {
                if create.ifNotExists {
                    return .command("CREATE TABLE", notices: ["relation \"\(name)\" already exists, skipping"])
                }
                throw PoolSQLError(.duplicateTable, "relation \"\(name)\" already exists", range: create.name.range)
            }
            state.tables[name] = table
            state.defaults[name] = defaults.isEmpty ? nil : defaults
            state.uniqueColumns[name] = uniqueColumns.isEmpty ? nil : uniqueColumns
            return .command(tag)
        }
    }

    /// A column's DEFAULT must be a constant expression (NOW() and functions allowed) whose
    /// type the column takes.
    static func checkDefault(_ expr: Expr, for column: PoolSQLCatalog.ColumnDefinition, catalog: RelationCatalog) throws(PoolSQLError) {
        let bound: BoundExpr
        do {
            bound = try QueryPlanner(catalog: catalog).bindConstant(expr)
        } catch where error.code == .undefinedColumn {
            throw PoolSQLError(.featureNotSupported, "cannot use column reference in DEFAULT expression", range: error.range ?? expr.range)
        }
        guard isAssignable(bound.type, to: column.type) else {
            throw PoolSQLError(.datatypeMismatch,
                               "column \"\(column.name)\" is of type \(column.type.postgresName) but default expression is of type \(bound.type.postgresName)",
                               hint: "You will need to rewrite or cast the expression.", range: expr.range)
        }
    }

    /// A new row of `table` before the statement's values go in: each column's DEFAULT (evaluated
    /// afresh for every row, as PostgreSQL does), else NULL.
    static func defaultRow(_ defaults: [Int: Expr], width: Int, columns: [PoolSQLCatalog.ColumnDefinition],
                           catalog: RelationCatalog, context: ExecutionContext) throws(PoolSQLError) -> [Value] {
        var row = [Value](repeating: .null, count: width)
        guard !defaults.isEmpty else { return row }
        let planner = QueryPlanner(catalog: catalog)
        for (index, expr) in defaults where index < width {
            let bound = try planner.bindConstant(expr)
            let value: Value
            do { value = try bound.evaluate(row: [], context: context) } catch { throw error.located(expr.range) }
            row[index] = try assign(value, from: bound.type, to: columns[index], range: nil)
        }
        return row
    }

    /// The user table `name` for writing into; views and built-in tables are read-only.
    func writableTable(_ objectName: ObjectName, catalog: RelationCatalog, verb: String) throws(PoolSQLError) -> (String, MemoryTable) {
        let name = try Session.relationName(objectName)
        if let table = catalog.relations.tables[name] { return (name, table) }
        switch catalog.kind(of: name) {
        case .view?:
            throw PoolSQLError(.wrongObjectType, "cannot \(verb) view \"\(name)\"", hint: "Views are read-only; write to the table it reads.",
                               range: objectName.range)
        case .builtIn?:
            throw PoolSQLError(.wrongObjectType, "cannot \(verb) \"\(name)\": it is a built-in table", range: objectName.range)
        default:
            _ = try catalog.resolveTable(name, range: objectName.range)
            throw PoolSQLError(.undefinedTable, "relation \"\(name)\" does not exist", range: objectName.range)
        }
    }

    /// Schema positions of an INSERT's or COPY's column list (all columns when it is empty).
    static func targetColumns(_ names: [Ident], of table: MemoryTable, tableName: String) throws(PoolSQLError) -> [Int] {
        if names.isEmpty { return Array(table.schema.columns.indices) }
        var targets: [Int] = []
        for name in names {
            guard let index = table.schema.index(of: name.value) else {
                let hint = ClosestName.find(name.value, in: table.schema.columnNames).map { "did you mean \"\($0)\"?" }
                throw PoolSQLError(.undefinedColumn, "column \"\(name.value)\" of relation \"\(tableName)\" does not exist",
                                   hint: hint, range: name.range)
            }
            if targets.contains(index) {
                throw PoolSQLError(.duplicateColumn, "column \"\(name.value)\" specified more than once", range: name.range)
            }
            targets.append(index)
        }
        return targets
    }

    /// `INSERT INTO name [(cols)] VALUES … | query`. Values take their column's type as
    /// PostgreSQL's assignment casts do; a NOT NULL column refuses NULL (23502). All rows go
    /// in, or none.
    func runInsert(_ insert: Insert, context: ExecutionContext) throws(PoolSQLError) -> QueryResult {
        if try Session.relationName(insert.table) == Session.metricsTableName {
            return try insertMetrics(insert, context: context)
        }
        let catalog = engine.relationCatalog()
        let (name, table) = try writableTable(insert.table, catalog: catalog, verb: "insert into")
        let targets = try Session.targetColumns(insert.columns, of: table, tableName: name)
        let columns = table.schema.columns
        let defaults = catalog.relations.defaults[name] ?? [:]
        var rows: [[Value]] = []

        func checkWidth(_ width: Int, ranges: [SourceRange?]) throws(PoolSQLError) {
            if width > targets.count {
                throw PoolSQLError(.syntaxError, "INSERT has more expressions than target columns",
                                   range: targets.count < ranges.count ? ranges[targets.count] : nil)
            }
            if width < targets.count, !insert.columns.isEmpty {
                throw PoolSQLError(.syntaxError, "INSERT has more target columns than expressions", range: insert.columns[width].range)
            }
        }

        let source = insert.source
        if case let .values(values) = source.body, source.with == nil, source.orderBy.isEmpty, source.limit == nil, source.offset == nil {
            // Each VALUES cell is typed against its own column, so `'2024-01-01'` goes into a
            // timestamp column as PostgreSQL does.
            let planner = QueryPlanner(catalog: catalog)
            let width = values.rows.first?.count ?? 0
            for cells in values.rows {
                if cells.count != width {
                    throw PoolSQLError(.syntaxError, "VALUES lists must all be the same length", range: cells.first?.range)
                }
                try checkWidth(cells.count, ranges: cells.map(\.range))
                var row = try Session.defaultRow(defaults, width: columns.count, columns: columns, catalog: catalog, context: context)
                for (cell, target) in zip(cells, targets) {
                    let bound = try planner.bindConstant(cell)
                    let value: Value
                    do { value = try bound.evaluate(row: [], context: context) } catch { throw error.located(cell.range) }
                    row[target] = try Session.assign(value, from: bound.type, to: columns[target], range: cell.range)
                }
                rows.append(row)
            }
        } else {
            let result = try QueryExecutor.execute(query: source, catalog: catalog, context: context)
            let ranges = Session.selectItemRanges(source)
            try checkWidth(result.columns.count, ranges: ranges)
            // A bare string literal in the select list is still untyped, as in PostgreSQL.
            let untyped = Session.untypedSelectItems(source)
            for sourceRow in result.rows {
                var row = try Session.defaultRow(defaults, width: columns.count, columns: columns, catalog: catalog, context: context)
                for (i, target) in targets.enumerated() where i < sourceRow.count {
                    let type = untyped.contains(i) ? DataType.unknown : result.columns[i].type
                    row[target] = try Session.assign(sourceRow[i], from: type, to: columns[target], range: i < ranges.count ? ranges[i] : nil)
                }
                rows.append(row)
            }
        }
        for row in rows { try Session.checkNotNull(row, of: table, tableName: name) }
        try append(rows, to: table, named: name)
        return .command("INSERT 0 \(rows.count)")
    }

    /// Adds rows to a user table, all or none, after checking its PRIMARY KEY and UNIQUE
    /// columns (23505) against the rows already there and each other. Runs under the
    /// registry's lock, so two sessions cannot both add the same key.
    func append(_ rows: [[Value]], to table: MemoryTable, named name: String, detail: (Int) -> String? = { _ in nil }) throws(PoolSQLError) {
        try engine.relations.update { (state) throws(PoolSQLError) in
            for unique in state.uniqueColumns[name] ?? [] {
                var seen = Set(table.rows.compactMap { $0[unique.column].isNull ? nil : Session.uniqueKey($0[unique.column]) })
                for (i, row) in rows.enumerated() where !row[unique.column].isNull {
                    guard seen.insert(Session.uniqueKey(row[unique.column])).inserted else {
                        let column = table.schema.columns[unique.column].name
                        let key = "Key (\(column))=(\(row[unique.column].description)) already exists."
                        throw PoolSQLError(.uniqueViolation, "duplicate key value violates unique constraint \"\(unique.constraint)\"",
                                           detail: detail(i).map { key + "\n" + $0 } ?? key)
                    }
                }
            }
            try table.insert(contentsOf: rows)
        }
    }

    /// A value as a uniqueness key: equal SQL values (1 and 1.0 in a numeric column) give
    /// equal keys, as the column's type has already been applied.
    static func uniqueKey(_ value: Value) -> String {
        switch value {
        case let .double(d): return "\(d == 0 ? 0 : d)"
        case let .numeric(n): return "\(n.value)"
        default: return value.description
        }
    }

    static func checkNotNull(_ row: [Value], of table: MemoryTable, tableName: String, detail: String? = nil) throws(PoolSQLError) {
        for (value, column) in zip(row, table.schema.columns) where value.isNull && !column.nullable {
            let failing = "Failing row contains (" + row.map { $0.isNull ? "null" : $0.description }.joined(separator: ", ") + ")."
            throw PoolSQLError(.notNullViolation, "null value in column \"\(column.name)\" of relation \"\(tableName)\" violates not-null constraint",
                               detail: detail.map { failing + "\n" + $0 } ?? failing)
        }
    }

    /// `value` (of static type `from`) stored into `column`: PostgreSQL's assignment rules.
    static func assign(_ value: Value, from: DataType, to column: PoolSQLCatalog.ColumnDefinition, range: SourceRange?) throws(PoolSQLError) -> Value {
        guard isAssignable(from, to: column.type) else {
            throw PoolSQLError(.datatypeMismatch, "column \"\(column.name)\" is of type \(column.type.postgresName) but expression is of type \(from.postgresName)",
                               hint: "You will need to rewrite or cast the expression.", range: range)
        }
        do throws(PoolSQLError) {
            if case let .varchar(length?) = column.type, case let .text(text) = value, text.count > length {
                throw PoolSQLError(.stringDataRightTruncation, "value too long for type character varying(\(length))")
            }
            return try value.cast(to: column.type)
        } catch {
            throw error.located(range)
        }
    }

    /// Whether PostgreSQL converts a `from` value into a `to` column without an explicit cast.
    static func isAssignable(_ from: DataType, to: DataType) -> Bool {
        if from == .unknown || from == to { return true }
        switch (from, to) {
        case (_, .text), (_, .varchar): return true  // every type has a text form
        case let (.array(a), .array(b)): return isAssignable(a, to: b)
        case (.interval, .interval): return true
        case (.timestamp, .timestamp), (.timestamp, .timestamptz), (.timestamp, .date),
             (.timestamptz, .timestamp), (.timestamptz, .timestamptz), (.timestamptz, .date),
             (.date, .timestamp), (.date, .timestamptz), (.date, .date):
            return true
        default: return from.isNumeric && to.isNumeric
        }
    }

    /// Where each output column's expression is, when the select list has no `*` (so items
    /// and output columns correspond).
    static func selectItemRanges(_ query: Query) -> [SourceRange?] {
        guard case let .select(select) = query.body,
              !select.projection.contains(where: { if case .expr = $0 { return false } else { return true } })
        else { return [] }
        return select.projection.map { item -> SourceRange? in
            if case let .expr(expr, _) = item { return expr.range }
            return nil
        }
    }

    /// Positions of select-list items that are bare string literals or NULL (when the list has
    /// no `*`, so positions are output positions).
    static func untypedSelectItems(_ query: Query) -> Set<Int> {
        guard case let .select(select) = query.body,
              !select.projection.contains(where: { if case .expr = $0 { return false } else { return true } })
        else { return [] }
        var positions: Set<Int> = []
        for (i, item) in select.projection.enumerated() {
            if case let .expr(expr, _) = item, case let .literal(literal) = expr.kind {
                switch literal {
                case .string, .null: positions.insert(i)
                default: break
                }
            }
        }
        return positions
    }
}

extension PoolSQLError {
    /// The error, pointing at `range` when it does not point anywhere yet.
    func located(_ range: SourceRange?) -> PoolSQLError {
        var error = self
        if error.range == nil { error.range = range }
        return error
    }
}
