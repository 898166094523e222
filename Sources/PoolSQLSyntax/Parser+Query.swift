import PoolSQLCore

extension Parser {
    /// query = [ with_clause ] set_expression [ order_by_clause ] [ limit_clause ] [ offset_clause ] ;
    /// (LIMIT and OFFSET may come in either order.)
    mutating func parseQuery() throws(PoolSQLError) -> Query {
        try enter()
        defer { leave() }
        var with: With?
        if peekKeyword(.with) { with = try parseWithClause() }
        let body = try parseSetExpression()
        var query = Query(with: with, body: body)
        if peekKeyword(.order) { query.orderBy = try parseOrderByClause() }
        while true {
            if query.limit == nil, peekKeyword(.limit) {
                query.limit = try parseLimitClause()
            } else if query.offset == nil, peekKeyword(.offset) {
                query.offset = try parseOffsetClause()
            } else if query.limit == nil, peekKeyword(.fetch) {
                query.limit = try parseFetchFirst()
            } else {
                break
            }
        }
        return query
    }

    /// with_clause = "WITH" [ "RECURSIVE" ] common_table_expression { "," common_table_expression } ;
    mutating func parseWithClause() throws(PoolSQLError) -> With {
        try expectKeyword(.with)
        let recursive = consumeKeyword(.recursive)
        var tables = [try parseCommonTableExpression()]
        while consumeSymbol(",") { tables.append(try parseCommonTableExpression()) }
        return With(recursive: recursive, tables: tables)
    }

    /// common_table_expression = identifier [ column_name_list ] "AS" "(" query ")" ;
    mutating func parseCommonTableExpression() throws(PoolSQLError) -> CommonTableExpression {
        let name = try parseIdentifier()
        var columns: [Ident] = []
        if peekSymbol("(") { columns = try parseColumnNameList() }
        try expectKeyword(.as)
        try expectSymbol("(")
        let query = try parseQuery()
        try expectSymbol(")")
        return CommonTableExpression(name: name, columns: columns, query: query)
    }

    /// set_expression = intersect_expression { ( "UNION" | "EXCEPT" ) [ "ALL" | "DISTINCT" ] intersect_expression } ;
    mutating func parseSetExpression() throws(PoolSQLError) -> SetExpr {
        var left = try parseIntersectExpression()
        var chained = 0
        defer { depth -= chained }
        while true {
            let op: SetOperator
            if peekKeyword(.union) {
                op = .union
            } else if peekKeyword(.except) {
                op = .except
            } else {
                return left
            }
            advance()
            let quantifier = parseSetQuantifier()
            try enter()
            chained += 1
            left = .setOperation(op, quantifier, left: left, right: try parseIntersectExpression())
        }
    }

    private mutating func parseSetQuantifier() -> SetQuantifier {
        if consumeKeyword(.all) { return .all }
        if consumeKeyword(.distinct) { return .distinct }
        return .none
    }

    /// intersect_expression = query_primary { "INTERSECT" [ "ALL" | "DISTINCT" ] query_primary } ;
    mutating func parseIntersectExpression() throws(PoolSQLError) -> SetExpr {
        var left = try parseQueryPrimary()
        var chained = 0
        defer { depth -= chained }
        while consumeKeyword(.intersect) {
            let quantifier = parseSetQuantifier()
            try enter()
            chained += 1
            left = .setOperation(.intersect, quantifier, left: left, right: try parseQueryPrimary())
        }
        return left
    }

    /// query_primary = select_statement | values_clause | "(" query ")" ;
    mutating func parseQueryPrimary() throws(PoolSQLError) -> SetExpr {
        if peekKeyword(.select) { return .select(try parseSelectStatement()) }
        if peekKeyword(.values) { return .values(try parseValuesClause()) }
        if consumeSymbol("(") {
            let query = try parseQuery()
            try expectSymbol(")")
            return .query(query)
        }
        throw unexpected(expected: ["SELECT", "VALUES", "WITH", "\"(\""])
    }

    /// values_clause = "VALUES" "(" expression_list ")" { "," "(" expression_list ")" } ;
    mutating func parseValuesClause() throws(PoolSQLError) -> Values {
        try expectKeyword(.values)
        var rows: [[Expr]] = []
        repeat {
            try expectSymbol("(")
            rows.append(try parseExpressionList())
            try expectSymbol(")")
        } while consumeSymbol(",")
        return Values(rows: rows)
    }

    /// select_statement = "SELECT" [ distinct_clause ] select_list [ from_clause ] [ where_clause ]
    ///     [ group_by_clause ] [ having_clause ] [ window_clause ] ;
    mutating func parseSelectStatement() throws(PoolSQLError) -> Select {
        try expectKeyword(.select)
        let distinct = try parseDistinctClause()
        var select = Select(distinct: distinct, projection: [])
        if !selectListEndsHere { select.projection = try parseSelectList() }
        if peekKeyword(.from) { select.from = try parseFromClause() }
        if peekKeyword(.where) { select.whereClause = try parseWhereClause() }
        if peekKeyword(.group) { select.groupBy = try parseGroupByClause() }
        if peekKeyword(.having) { select.having = try parseHavingClause() }
        if peekKeyword(.window) { select.windows = try parseWindowClause() }
        return select
    }

    /// `SELECT` with an empty select list (PostgreSQL allows it).
    private var selectListEndsHere: Bool {
        switch current.kind {
        case .endOfInput: return true
        case .symbol(";"), .symbol(")"): return true
        case .word:
            guard let k = current.kind.keyword else { return false }
            return [.from, .where, .group, .having, .window, .order, .limit, .offset, .union, .intersect, .except].contains(k)
        default: return false
        }
    }

    /// distinct_clause = "ALL" | "DISTINCT" [ "ON" "(" expression_list ")" ] ;
    mutating func parseDistinctClause() throws(PoolSQLError) -> Distinct? {
        if consumeKeyword(.all) { return nil }
        guard consumeKeyword(.distinct) else { return nil }
        guard consumeKeyword(.on) else { return .distinct }
        try expectSymbol("(")
        let exprs = try parseExpressionList()
        try expectSymbol(")")
        return .on(exprs)
    }

    /// select_list = select_item { "," select_item } ;
    mutating func parseSelectList() throws(PoolSQLError) -> [SelectItem] {
        var items = [try parseSelectItem()]
        while consumeSymbol(",") { items.append(try parseSelectItem()) }
        return items
    }

    /// select_item = "*" | object_name "." "*" | expression [ [ "AS" ] identifier ] ;
    mutating func parseSelectItem() throws(PoolSQLError) -> SelectItem {
        if consumeSymbol("*") { return .wildcard }
        if atIdentifier, let name = try parseQualifiedWildcard() { return .qualifiedWildcard(name) }
        let expr = try parseExpression()
        return .expr(expr, alias: try parseColumnAlias())
    }

    /// `t.*`, `s.t.*`; nil (position unchanged) when the item is something else.
    private mutating func parseQualifiedWildcard() throws(PoolSQLError) -> ObjectName? {
        var i = position
        while true {
            switch tokens[i].kind {
            case .word, .quotedIdentifier: break
            default: return nil
            }
            guard i + 2 < tokens.count, tokens[i + 1].kind == .symbol(".") else { return nil }
            if tokens[i + 2].kind == .symbol("*") { break }
            i += 2
        }
        var parts = [try parseIdentifier()]
        while position < i {
            try expectSymbol(".")
            parts.append(try parseWord())
        }
        try expectSymbol(".")
        try expectSymbol("*")
        return ObjectName(parts)
    }

    /// `AS word` or a bare identifier.
    private mutating func parseColumnAlias() throws(PoolSQLError) -> Ident? {
        if consumeKeyword(.as) { return try parseWord() }
        if atIdentifier {
            let token = current
            let alias = try parseIdentifier()
            lastBareAlias = (position - 1, token)
            return alias
        }
        return nil
    }

    /// from_clause = "FROM" table_reference { "," table_reference } ;
    mutating func parseFromClause() throws(PoolSQLError) -> [TableRef] {
        try expectKeyword(.from)
        var items = [try parseTableReference()]
        while consumeSymbol(",") { items.append(try parseTableReference()) }
        return items
    }

    /// table_reference = table_primary { join_clause } ;
    mutating func parseTableReference() throws(PoolSQLError) -> TableRef {
        try enter()
        defer { leave() }
        var left = try parseTablePrimary()
        var chained = 0
        defer { depth -= chained }
        while peekJoin {
            try enter()
            chained += 1
            guard let joined = try parseJoinClause(left: left) else { break }
            left = joined
        }
        return left
    }

    private var peekJoin: Bool {
        switch current.kind.keyword {
        case .cross?, .natural?, .inner?, .left?, .right?, .full?, .join?: return true
        default: return false
        }
    }

    /// join_clause = "CROSS" "JOIN" table_primary | "NATURAL" [ join_type ] "JOIN" table_primary
    ///     | [ join_type ] "JOIN" table_primary join_condition ;
    mutating func parseJoinClause(left: TableRef) throws(PoolSQLError) -> TableRef? {
        if consumeKeyword(.cross) {
            try expectKeyword(.join)
            return .join(Join(left: left, right: try parseTablePrimary(), kind: .cross, constraint: .none))
        }
        if consumeKeyword(.natural) {
            let kind = try parseJoinType() ?? .inner
            try expectKeyword(.join)
            return .join(Join(left: left, right: try parseTablePrimary(), kind: kind, constraint: .natural))
        }
        let kind: JoinKind
        if let explicit = try parseJoinType() {
            kind = explicit
            try expectKeyword(.join)
        } else if consumeKeyword(.join) {
            kind = .inner
        } else {
            return nil
        }
        let right = try parseTablePrimary()
        return .join(Join(left: left, right: right, kind: kind, constraint: try parseJoinCondition()))
    }

    /// join_type = "INNER" | ( "LEFT" | "RIGHT" | "FULL" ) [ "OUTER" ] ;
    mutating func parseJoinType() throws(PoolSQLError) -> JoinKind? {
        if consumeKeyword(.inner) { return .inner }
        let kind: JoinKind
        if consumeKeyword(.left) {
            kind = .left
        } else if consumeKeyword(.right) {
            kind = .right
        } else if consumeKeyword(.full) {
            kind = .full
        } else {
            return nil
        }
        _ = consumeKeyword(.outer)
        return kind
    }

    /// join_condition = "ON" expression | "USING" column_name_list ;
    mutating func parseJoinCondition() throws(PoolSQLError) -> JoinConstraint {
        if consumeKeyword(.on) { return .on(try parseExpression()) }
        if consumeKeyword(.using) { return .using(try parseColumnNameList()) }
        throw unexpected(expected: ["ON", "USING"])
    }

    /// table_primary = [ "LATERAL" ] "(" query ")" [ table_alias ] | "(" table_reference ")"
    ///     | function_call [ table_alias ] | object_name [ table_alias ] ;
    mutating func parseTablePrimary() throws(PoolSQLError) -> TableRef {
        try enter()
        defer { leave() }
        let lateral = consumeKeyword(.lateral)
        if consumeSymbol("(") {
            if let query = try attemptParenthesizedQuery() {
                return .derived(lateral: lateral, query, alias: try parseTableAlias())
            }
            if lateral { throw unexpected(expected: ["SELECT", "VALUES", "WITH"]) }
            let inner = try parseTableReference()
            try expectSymbol(")")
            return inner
        }
        if lateral { throw unexpected(expected: ["\"(\""]) }
        let name = try parseObjectName()
        if peekSymbol("(") {
            let call = try parseFunctionCall(name: name, start: name.parts.first?.range?.start ?? current.range.start)
            var withOrdinality = false
            if peekKeyword(.with), case let .word(w) = peek(1).kind, Parser.fold(w) == "ordinality" {
                advance(); advance()
                withOrdinality = true
            }
            return .function(call, alias: try parseTableAlias(), withOrdinality: withOrdinality)
        }
        return .table(name, alias: try parseTableAlias())
    }

    /// table_alias = [ "AS" ] identifier [ column_name_list ] ;
    mutating func parseTableAlias() throws(PoolSQLError) -> TableAlias? {
        let name: Ident
        if consumeKeyword(.as) {
            name = try parseIdentifier()
        } else if atIdentifier {
            let token = current
            name = try parseIdentifier()
            lastBareAlias = (position - 1, token)
        } else {
            return nil
        }
        var columns: [Ident] = []
        if peekSymbol("(") { columns = try parseColumnNameList() }
        return TableAlias(name: name, columns: columns)
    }

    /// where_clause = "WHERE" expression ;
    mutating func parseWhereClause() throws(PoolSQLError) -> Expr {
        try expectKeyword(.where)
        return try parseExpression()
    }

    /// group_by_clause = "GROUP" "BY" expression_list ;
    mutating func parseGroupByClause() throws(PoolSQLError) -> [Expr] {
        try expectKeyword(.group)
        try expectKeyword(.by)
        return try parseExpressionList()
    }

    /// having_clause = "HAVING" expression ;
    mutating func parseHavingClause() throws(PoolSQLError) -> Expr {
        try expectKeyword(.having)
        return try parseExpression()
    }

    /// window_clause = "WINDOW" named_window { "," named_window } ;
    mutating func parseWindowClause() throws(PoolSQLError) -> [NamedWindow] {
        try expectKeyword(.window)
        var windows = [try parseNamedWindow()]
        while consumeSymbol(",") { windows.append(try parseNamedWindow()) }
        return windows
    }

    /// named_window = identifier "AS" window_specification ;
    mutating func parseNamedWindow() throws(PoolSQLError) -> NamedWindow {
        let name = try parseIdentifier()
        try expectKeyword(.as)
        return NamedWindow(name: name, specification: try parseWindowSpecification())
    }

    /// order_by_clause = "ORDER" "BY" order_by_item { "," order_by_item } ;
    mutating func parseOrderByClause() throws(PoolSQLError) -> [OrderByItem] {
        try expectKeyword(.order)
        try expectKeyword(.by)
        var items = [try parseOrderByItem()]
        while consumeSymbol(",") { items.append(try parseOrderByItem()) }
        return items
    }

    /// order_by_item = expression [ "ASC" | "DESC" ] [ "NULLS" ( "FIRST" | "LAST" ) ] ;
    mutating func parseOrderByItem() throws(PoolSQLError) -> OrderByItem {
        var item = OrderByItem(expr: try parseExpression())
        if consumeKeyword(.asc) {
            item.ascending = true
        } else if consumeKeyword(.desc) {
            item.ascending = false
        }
        if consumeKeyword(.nulls) {
            if consumeKeyword(.first) {
                item.nullsFirst = true
            } else if consumeKeyword(.last) {
                item.nullsFirst = false
            } else {
                throw unexpected(expected: ["FIRST", "LAST"])
            }
        }
        return item
    }

    /// limit_clause = "LIMIT" ( "ALL" | expression ) ;
    mutating func parseLimitClause() throws(PoolSQLError) -> Limit {
        try expectKeyword(.limit)
        if consumeKeyword(.all) { return .all }
        return .count(try parseExpression())
    }

    /// `FETCH { FIRST | NEXT } [ count ] { ROW | ROWS } ONLY`, the standard's LIMIT.
    mutating func parseFetchFirst() throws(PoolSQLError) -> Limit {
        try expectKeyword(.fetch)
        func word(_ w: String) -> Bool {
            if case let .word(x) = current.kind, Parser.fold(x) == w { return true }
            return false
        }
        guard consumeKeyword(.first) || word("next") else { throw unexpected(expected: ["FIRST", "NEXT"]) }
        if word("next") { advance() }
        var count = Expr(.literal(.integer(1)), range: current.range)
        if !peekKeyword(.row) && !peekKeyword(.rows) { count = try parsePrimaryExpression() }
        guard consumeKeyword(.row) || consumeKeyword(.rows) else { throw unexpected(expected: ["ROW", "ROWS"]) }
        guard word("only") else { throw unexpected(expected: ["ONLY"]) }
        advance()
        return .count(count)
    }

    /// offset_clause = "OFFSET" expression [ "ROW" | "ROWS" ] ;
    mutating func parseOffsetClause() throws(PoolSQLError) -> Expr {
        try expectKeyword(.offset)
        let expr = try parseExpression()
        if !consumeKeyword(.row) { _ = consumeKeyword(.rows) }
        return expr
    }
}
