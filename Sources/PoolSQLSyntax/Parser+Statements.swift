import PoolSQLCore

extension Parser {
    /// statement_list = [ statement ] { ";" [ statement ] } ;
    mutating func parseStatementList() throws(PoolSQLError) -> [Statement] {
        try parseLocatedStatementList().map(\.statement)
    }

    /// The statements with the source range each was parsed from (without the `;`).
    mutating func parseLocatedStatementList() throws(PoolSQLError) -> [LocatedStatement] {
        var statements: [LocatedStatement] = []
        while true {
            while consumeSymbol(";") {}
            if current.kind == .endOfInput { return statements }
            lastBareAlias = nil
            let start = current.range.start
            let statement = try parseStatement()
            statements.append(LocatedStatement(statement: statement, range: range(from: start)))
            if current.kind == .endOfInput { return statements }
            guard consumeSymbol(";") else {
                throw unexpected(expected: ["\";\""] + Parser.clauseKeywords)
            }
        }
    }

    /// statement = query_statement | explain_statement | set_statement | … ;
    mutating func parseStatement() throws(PoolSQLError) -> Statement {
        try enter()
        defer { leave() }
        switch current.kind.keyword {
        case .select?, .values?, .with?: return try parseQueryStatement()
        case .explain?: return try parseExplainStatement()
        case .set?: return try parseSetStatement()
        case .show?: return try parseShowStatement()
        case .reset?: return try parseResetStatement()
        case .alter?: return try parseAlterPoolStatement()
        case .drop?: return try parseDropStatement()
        case .check?: return try parseCheckPoolStatement()
        case .run?: return try parseRunLoadTestStatement()
        case .insert?: return try parseInsertStatement()
        case .copy?: return try parseCopyStatement()
        case .create?:
            if peekKeyword(.pool, ahead: 1) { return try parseCreatePoolStatement() }
            if peekKeyword(.table, ahead: 1) { return try parseCreateTableStatement() }
            if peekKeyword(.view, ahead: 1) || peekKeyword(.or, ahead: 1) { return try parseCreateViewStatement() }
            advance()
            throw unexpected(expected: ["POOL", "VIEW", "TABLE", "OR"])
        default:
            if peekSymbol("(") { return try parseQueryStatement() }
            throw unexpected(expected: Parser.statementKeywords)
        }
    }

    /// query_statement = query ;
    mutating func parseQueryStatement() throws(PoolSQLError) -> Statement {
        .query(try parseQuery())
    }

    /// explain_statement = "EXPLAIN" [ "ANALYZE" ] [ "VERBOSE" ] statement ;
    mutating func parseExplainStatement() throws(PoolSQLError) -> Statement {
        try expectKeyword(.explain)
        let analyze = consumeKeyword(.analyze)
        let verbose = consumeKeyword(.verbose)
        return .explain(Explain(analyze: analyze, verbose: verbose, statement: try parseStatement()))
    }

    /// set_statement = "SET" [ set_scope ] ( setting_name ( "=" | "TO" ) set_value | "TIME" "ZONE" set_value ) ;
    mutating func parseSetStatement() throws(PoolSQLError) -> Statement {
        try expectKeyword(.set)
        let scope = try parseSetScope()
        if peekKeyword(.time), peekKeyword(.zone, ahead: 1) {
            let start = current.range
            advance(); advance()
            let name = ObjectName(Ident("timezone", range: start.union(tokens[position - 1].range)))
            return .set(SetVariable(scope: scope, name: name, value: try parseSetValue()))
        }
        let name = try parseSettingName()
        guard consumeSymbol("=") || consumeKeyword(.to) else { throw unexpected(expected: ["\"=\"", "TO"]) }
        return .set(SetVariable(scope: scope, name: name, value: try parseSetValue()))
    }

    /// set_scope = "SESSION" | "GLOBAL" | "LOCAL" | "PERSIST" ;
    mutating func parseSetScope() throws(PoolSQLError) -> SetScope? {
        // `SET session = 1` names a setting called "session".
        let next = peek(1)
        if next.kind == .symbol("=") || next.kind == .symbol(".") || isKeyword(.to, next) { return nil }
        if consumeKeyword(.session) { return .session }
        if consumeKeyword(.global) { return .global }
        if consumeKeyword(.local) { return .local }
        if consumeKeyword(.persist) { return .persist }
        return nil
    }

    /// set_value = "DEFAULT" | setting_value { "," setting_value } ;
    mutating func parseSetValue() throws(PoolSQLError) -> SetValue {
        if consumeKeyword(.default) { return .default }
        var values = [try parseSettingValue()]
        while consumeSymbol(",") { values.append(try parseSettingValue()) }
        return .values(values)
    }

    /// setting_name = word { "." word } ;
    mutating func parseSettingName() throws(PoolSQLError) -> ObjectName {
        var parts = [try parseWord()]
        while consumeSymbol(".") { parts.append(try parseWord()) }
        return ObjectName(parts)
    }

    /// setting_value = string_literal | [ "+" | "-" ] numeric_literal | "TRUE" | "FALSE" | word ;
    mutating func parseSettingValue() throws(PoolSQLError) -> Expr {
        let start = current.range.start
        switch current.kind {
        case .string, .integer, .decimal:
            return try parseLiteral()
        case let .symbol(sign) where sign == "-" || sign == "+":
            advance()
            switch current.kind {
            case .integer, .decimal:
                let number = try parseLiteral()
                return Expr(.unary(sign == "-" ? .minus : .plus, number), range: range(from: start))
            default:
                throw unexpected(expected: ["a number"])
            }
        case .word where peekKeyword(.true) || peekKeyword(.false):
            return try parseLiteral()
        case .word, .quotedIdentifier:
            let word = try parseWord()
            return Expr(.identifier(word), range: word.range)
        default:
            throw unexpected(expected: ["a value"])
        }
    }

    /// show_statement = "SHOW" ( "ALL" | "TIME" "ZONE" | setting_name ) ;
    mutating func parseShowStatement() throws(PoolSQLError) -> Statement {
        try expectKeyword(.show)
        return .show(try parseVariableTarget())
    }

    /// reset_statement = "RESET" ( "ALL" | "TIME" "ZONE" | setting_name ) ;
    mutating func parseResetStatement() throws(PoolSQLError) -> Statement {
        try expectKeyword(.reset)
        return .reset(try parseVariableTarget())
    }

    private mutating func parseVariableTarget() throws(PoolSQLError) -> VariableTarget {
        if consumeKeyword(.all) { return .all }
        if peekKeyword(.time), peekKeyword(.zone, ahead: 1) {
            let r = current.range.union(peek(1).range)
            advance(); advance()
            return .name(ObjectName(Ident("timezone", range: r)))
        }
        return .name(try parseSettingName())
    }

    /// create_pool_statement = "CREATE" "POOL" [ "IF" "NOT" "EXISTS" ] identifier [ "URI" ] string_literal
    ///     [ "ENVIRONMENT" string_literal ] [ "WITH" option_list ] ;
    mutating func parseCreatePoolStatement() throws(PoolSQLError) -> Statement {
        try expectKeyword(.create)
        try expectKeyword(.pool)
        let ifNotExists = consumeKeywords(.if, .not, .exists)
        let name = try parseIdentifier()
        let sawURIKeyword = consumeKeyword(.uri)
        guard case let .string(uri) = current.kind else {
            throw unexpected(expected: sawURIKeyword ? ["a string literal"] : ["URI", "a string literal"])
        }
        advance()
        var environment: String?
        if consumeKeyword(.environment) { environment = try parseStringLiteral() }
        var options: [SQLOption] = []
        if consumeKeyword(.with) { options = try parseOptionList() }
        return .createPool(CreatePool(ifNotExists: ifNotExists, name: name, uri: uri, environment: environment, options: options))
    }

    /// option_list = "(" option { "," option } ")" ;
    mutating func parseOptionList() throws(PoolSQLError) -> [SQLOption] {
        try expectSymbol("(")
        var options = [try parseOption()]
        while consumeSymbol(",") { options.append(try parseOption()) }
        try expectSymbol(")")
        return options
    }

    /// option = word "=" setting_value ;
    mutating func parseOption() throws(PoolSQLError) -> SQLOption {
        let name = try parseWord()
        try expectSymbol("=")
        return SQLOption(name: name, value: try parseSettingValue())
    }

    /// alter_pool_statement = "ALTER" "POOL" identifier ( "SET" option { "," option } | "ENABLE" | "DISABLE" ) ;
    mutating func parseAlterPoolStatement() throws(PoolSQLError) -> Statement {
        try expectKeyword(.alter)
        try expectKeyword(.pool)
        let name = try parseIdentifier()
        if consumeKeyword(.enable) { return .alterPool(AlterPool(name: name, action: .enable)) }
        if consumeKeyword(.disable) { return .alterPool(AlterPool(name: name, action: .disable)) }
        guard consumeKeyword(.set) else { throw unexpected(expected: ["SET", "ENABLE", "DISABLE"]) }
        var options = [try parseOption()]
        while consumeSymbol(",") { options.append(try parseOption()) }
        return .alterPool(AlterPool(name: name, action: .set(options)))
    }

    /// drop_statement = "DROP" ( "POOL" | "VIEW" | "TABLE" ) [ "IF" "EXISTS" ] object_name { "," object_name } [ "CASCADE" | "RESTRICT" ] ;
    mutating func parseDropStatement() throws(PoolSQLError) -> Statement {
        try expectKeyword(.drop)
        let kind: ObjectKind
        if consumeKeyword(.pool) {
            kind = .pool
        } else if consumeKeyword(.view) {
            kind = .view
        } else if consumeKeyword(.table) {
            kind = .table
        } else {
            throw unexpected(expected: ["POOL", "VIEW", "TABLE"])
        }
        let ifExists = consumeKeywords(.if, .exists)
        var names = [try parseObjectName()]
        while consumeSymbol(",") { names.append(try parseObjectName()) }
        let cascade = consumeKeyword(.cascade)
        if !cascade { _ = consumeKeyword(.restrict) }
        return .drop(Drop(kind: kind, ifExists: ifExists, names: names, cascade: cascade))
    }

    /// check_pool_statement = "CHECK" "POOL" identifier ;
    mutating func parseCheckPoolStatement() throws(PoolSQLError) -> Statement {
        try expectKeyword(.check)
        try expectKeyword(.pool)
        return .checkPool(try parseIdentifier())
    }

    /// run_load_test_statement = "RUN" "LOAD" "TEST" "ON" "POOL" identifier [ "SCENARIO" string_literal ] [ "WITH" option_list ] ;
    mutating func parseRunLoadTestStatement() throws(PoolSQLError) -> Statement {
        try expectKeyword(.run)
        try expectKeyword(.load)
        try expectKeyword(.test)
        try expectKeyword(.on)
        try expectKeyword(.pool)
        let pool = try parseIdentifier()
        var scenario: String?
        if consumeKeyword(.scenario) { scenario = try parseStringLiteral() }
        var options: [SQLOption] = []
        if consumeKeyword(.with) { options = try parseOptionList() }
        return .runLoadTest(RunLoadTest(pool: pool, scenario: scenario, options: options))
    }

    /// create_view_statement = "CREATE" [ "OR" "REPLACE" ] "VIEW" object_name [ column_name_list ] "AS" query ;
    mutating func parseCreateViewStatement() throws(PoolSQLError) -> Statement {
        try expectKeyword(.create)
        var orReplace = false
        if consumeKeyword(.or) {
            try expectKeyword(.replace)
            orReplace = true
        }
        try expectKeyword(.view)
        let name = try parseObjectName()
        var columns: [Ident] = []
        if peekSymbol("(") { columns = try parseColumnNameList() }
        try expectKeyword(.as)
        return .createView(CreateView(orReplace: orReplace, name: name, columns: columns, query: try parseQuery()))
    }

    /// create_table_statement = "CREATE" "TABLE" [ "IF" "NOT" "EXISTS" ] object_name
    ///     ( "(" column_definition { "," column_definition } ")" | [ column_name_list ] "AS" query ) ;
    mutating func parseCreateTableStatement() throws(PoolSQLError) -> Statement {
        try expectKeyword(.create)
        try expectKeyword(.table)
        let ifNotExists = consumeKeywords(.if, .not, .exists)
        let name = try parseObjectName()
        var columns: [ColumnDefinition] = []
        if consumeSymbol("(") {
            columns.append(try parseColumnDefinition())
            while consumeSymbol(",") { columns.append(try parseColumnDefinition()) }
            try expectSymbol(")")
        }
        if peekKeyword(.as) {
            if let typed = columns.first(where: { $0.dataType != nil }) {
                throw PoolSQLError.syntax("CREATE TABLE … AS takes column names only", at: typed.name.range)
            }
            advance()
            return .createTable(CreateTable(ifNotExists: ifNotExists, name: name, columns: columns, asQuery: try parseQuery()))
        }
        if columns.isEmpty { throw unexpected(expected: ["\"(\"", "AS"]) }
        if let untyped = columns.first(where: { $0.dataType == nil }) {
            throw PoolSQLError.syntax("column \"\(untyped.name.value)\" needs a data type", at: untyped.name.range)
        }
        return .createTable(CreateTable(ifNotExists: ifNotExists, name: name, columns: columns))
    }

    /// column_definition = identifier [ data_type { column_constraint } ] ;
    mutating func parseColumnDefinition() throws(PoolSQLError) -> ColumnDefinition {
        let name = try parseIdentifier()
        if peekSymbol(",") || peekSymbol(")") { return ColumnDefinition(name: name, dataType: nil) }
        let type = try parseDataType()
        var constraints: [ColumnConstraint] = []
        while let constraint = try parseColumnConstraint() { constraints.append(constraint) }
        return ColumnDefinition(name: name, dataType: type, constraints: constraints)
    }

    /// column_constraint = "NOT" "NULL" | "NULL" | "PRIMARY" "KEY" | "UNIQUE" | "DEFAULT" other_operator_expression ;
    mutating func parseColumnConstraint() throws(PoolSQLError) -> ColumnConstraint? {
        if consumeKeyword(.not) {
            try expectKeyword(.null)
            return .notNull
        }
        if consumeKeyword(.null) { return .null }
        if consumeKeyword(.primary) {
            try expectKeyword(.key)
            return .primaryKey
        }
        if consumeKeyword(.unique) { return .unique }
        if consumeKeyword(.default) { return .default(try parseOtherOperatorExpression()) }
        return nil
    }

    /// insert_statement = "INSERT" "INTO" object_name [ column_name_list ] query ;
    mutating func parseInsertStatement() throws(PoolSQLError) -> Statement {
        try expectKeyword(.insert)
        try expectKeyword(.into)
        let table = try parseObjectName()
        var columns: [Ident] = []
        if peekSymbol("("), !queryStartsAfterParentheses(from: position) { columns = try parseColumnNameList() }
        return .insert(Insert(table: table, columns: columns, source: try parseQuery()))
    }

    /// copy_statement = "COPY" object_name [ column_name_list ] ( "TO" | "FROM" ) string_literal
    ///     [ [ "WITH" ] "(" copy_option { "," copy_option } ")" ] ;
    mutating func parseCopyStatement() throws(PoolSQLError) -> Statement {
        try expectKeyword(.copy)
        let table = try parseObjectName()
        var columns: [Ident] = []
        if peekSymbol("(") { columns = try parseColumnNameList() }
        let direction: CopyDirection
        if consumeKeyword(.to) {
            direction = .to
        } else if consumeKeyword(.from) {
            direction = .from
        } else {
            throw unexpected(expected: ["TO", "FROM"])
        }
        let path = try parseStringLiteral()
        var options: [CopyOption] = []
        let withKeyword = consumeKeyword(.with)
        if withKeyword || peekSymbol("(") {
            try expectSymbol("(")
            options.append(try parseCopyOption())
            while consumeSymbol(",") { options.append(try parseCopyOption()) }
            try expectSymbol(")")
        }
        return .copy(Copy(table: table, columns: columns, direction: direction, path: path, options: options))
    }

    /// copy_option = word [ setting_value ] ;
    mutating func parseCopyOption() throws(PoolSQLError) -> CopyOption {
        let name = try parseWord()
        if peekSymbol(",") || peekSymbol(")") { return CopyOption(name: name) }
        return CopyOption(name: name, value: try parseSettingValue())
    }
}
