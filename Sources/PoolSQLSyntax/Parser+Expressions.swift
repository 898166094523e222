import PoolSQLCore

// Expressions: a precedence-climbing loop (`parseSubexpression`) over `OperatorTable`. The
// grammar's expression rules, one per precedence level, are entry points into that loop at
// their level. Each prefix and postfix form has its own small function, which keeps the
// native stack frames on the recursive path small.

extension Parser {
    /// expression = or_expression ;
    mutating func parseExpression() throws(PoolSQLError) -> Expr {
        try parseSubexpression(.lowest)
    }

    /// or_expression = and_expression { "OR" and_expression } ;
    mutating func parseOrExpression() throws(PoolSQLError) -> Expr { try parseSubexpression(.lowest) }

    /// and_expression = not_expression { "AND" not_expression } ;
    mutating func parseAndExpression() throws(PoolSQLError) -> Expr { try parseSubexpression(.or) }

    /// not_expression = "NOT" not_expression | is_expression ;
    mutating func parseNotExpression() throws(PoolSQLError) -> Expr { try parseSubexpression(.and) }

    /// is_expression = comparison_expression { is_test } ;
    mutating func parseIsExpression() throws(PoolSQLError) -> Expr { try parseSubexpression(.not) }

    /// comparison_expression = predicate_expression [ comparison_operator … ] ;
    mutating func parseComparisonExpression() throws(PoolSQLError) -> Expr { try parseSubexpression(.isTest) }

    /// predicate_expression = other_operator_expression [ predicate_suffix ] ;
    mutating func parsePredicateExpression() throws(PoolSQLError) -> Expr { try parseSubexpression(.comparison) }

    /// other_operator_expression = additive_expression { other_operator additive_expression } ;
    mutating func parseOtherOperatorExpression() throws(PoolSQLError) -> Expr { try parseSubexpression(.betweenInLike) }

    /// additive_expression = multiplicative_expression { ( "+" | "-" ) multiplicative_expression } ;
    mutating func parseAdditiveExpression() throws(PoolSQLError) -> Expr { try parseSubexpression(.otherOperator) }

    /// multiplicative_expression = exponent_expression { ( "*" | "/" | "%" ) exponent_expression } ;
    mutating func parseMultiplicativeExpression() throws(PoolSQLError) -> Expr { try parseSubexpression(.additive) }

    /// exponent_expression = unary_expression { "^" unary_expression } ;
    mutating func parseExponentExpression() throws(PoolSQLError) -> Expr { try parseSubexpression(.multiplicative) }

    /// unary_expression = ( "+" | "-" ) unary_expression | postfix_expression ;
    mutating func parseUnaryExpression() throws(PoolSQLError) -> Expr { try parseSubexpression(.exponent) }

    /// postfix_expression = primary_expression { "[" subscript "]" | "::" data_type } ;
    mutating func parsePostfixExpression() throws(PoolSQLError) -> Expr { try parseSubexpression(.unary) }

    /// expression_list = expression { "," expression } ;
    mutating func parseExpressionList() throws(PoolSQLError) -> [Expr] {
        var exprs = [try parseExpression()]
        while consumeSymbol(",") { exprs.append(try parseExpression()) }
        return exprs
    }

    // MARK: The precedence-climbing loop

    /// Parses an expression whose operators all bind tighter than `minimum`.
    mutating func parseSubexpression(_ minimum: Precedence) throws(PoolSQLError) -> Expr {
        try enter()
        defer { leave() }
        var left = try parsePrimaryExpression()
        var lastNonAssociative: Precedence?
        var chained = 0
        defer { depth -= chained }
        while let level = infixPrecedence(), level > minimum {
            if level == lastNonAssociative { throw unexpected(expected: ["an operator of another precedence"]) }
            try enter()
            chained += 1
            left = try parseInfix(left, level)
            lastNonAssociative = OperatorTable.associativity(of: level) == .none ? level : nil
        }
        return left
    }

    static let symbolOperators: [String: BinaryOperator] = {
        var map: [String: BinaryOperator] = [:]
        for op in BinaryOperator.allCases where op != .and && op != .or { map[op.rawValue] = op }
        map["!="] = .notEqual
        return map
    }()

    /// Whether `SIMILAR TO` starts `ahead` tokens from here.
    func isSimilarTo(ahead: Int) -> Bool {
        guard case let .word(w) = (ahead == 0 ? current : peek(ahead)).kind, Parser.fold(w) == "similar" else { return false }
        return peekKeyword(.to, ahead: ahead + 1)
    }

    /// The precedence of the infix or postfix operator at the current token, if it is one.
    func infixPrecedence() -> Precedence? {
        switch current.kind {
        case let .symbol(s):
            if s == "[" { return .subscripted }
            if s == "::" { return .cast }
            return Parser.symbolOperators[s]?.precedence
        case let .word(word):
            // `x AT TIME ZONE z` binds tighter than `^` and looser than unary minus.
            if Parser.fold(word) == "at", peekKeyword(.time, ahead: 1), peekKeyword(.zone, ahead: 2) { return .unary }
            if isSimilarTo(ahead: 0) { return .betweenInLike }
            switch current.kind.keyword {
            case .or?: return .or
            case .and?: return .and
            case .is?, .isnull?, .notnull?: return .isTest
            case .in?, .between?, .like?, .ilike?: return .betweenInLike
            case .not?:
                switch peek(1).kind.keyword {
                case .in?, .between?, .like?, .ilike?: return .betweenInLike
                default: return isSimilarTo(ahead: 1) ? .betweenInLike : nil
                }
            default: return nil
            }
        default:
            return nil
        }
    }

    private mutating func parseInfix(_ left: Expr, _ level: Precedence) throws(PoolSQLError) -> Expr {
        let start = left.range?.start ?? current.range.start
        let kind: ExprKind
        switch level {
        case .isTest: kind = try parseIsTest(left)
        case .betweenInLike: kind = try parsePredicateSuffix(left)
        case .subscripted: kind = .subscripted(left, try parseSubscript())
        case .unary:
            // AT TIME ZONE zone: PostgreSQL's timezone(zone, value).
            advance(); advance(); advance()
            let zone = try parseSubexpression(.unary)
            kind = .function(FunctionCall(name: ObjectName(Ident("timezone")), arguments: [zone, left]))
        case .cast:
            advance()
            kind = .cast(left, try parseDataType(), syntax: .doubleColon)
        case .comparison: kind = try parseComparisonRightSide(left)
        default:
            let op: BinaryOperator
            if case let .symbol(s) = current.kind, let symbolOp = Parser.symbolOperators[s] {
                op = symbolOp
            } else {
                op = level == .or ? .or : .and
            }
            advance()
            kind = .binary(left, op, try parseSubexpression(level))
        }
        return Expr(kind, range: range(from: start))
    }

    /// comparison_operator ( predicate_expression | ( "ANY" | "SOME" | "ALL" ) "(" ( query | expression ) ")" )
    private mutating func parseComparisonRightSide(_ left: Expr) throws(PoolSQLError) -> ExprKind {
        guard case let .symbol(s) = current.kind, let op = Parser.symbolOperators[s] else {
            throw unexpected(expected: ["a comparison operator"])
        }
        advance()
        let quantifier: Quantifier?
        switch current.kind.keyword {
        case .any?, .some?: quantifier = .any
        case .all?: quantifier = .all
        default: quantifier = nil
        }
        if let quantifier, peekSymbol("(", ahead: 1) {
            advance(); advance()
            if let query = try attemptParenthesizedQuery() {
                return .quantified(left, op, quantifier, .subquery(query))
            }
            let array = try parseExpression()
            try expectSymbol(")")
            return .quantified(left, op, quantifier, .array(array))
        }
        return .binary(left, op, try parseSubexpression(.comparison))
    }

    /// is_test = "IS" [ "NOT" ] ( "NULL" | "TRUE" | "FALSE" | "UNKNOWN" | "DISTINCT" "FROM" comparison_expression )
    ///     | "ISNULL" | "NOTNULL" ;
    mutating func parseIsTest(_ left: Expr) throws(PoolSQLError) -> ExprKind {
        if consumeKeyword(.isnull) { return .isNull(left, negated: false) }
        if consumeKeyword(.notnull) { return .isNull(left, negated: true) }
        try expectKeyword(.is)
        let negated = consumeKeyword(.not)
        if consumeKeyword(.null) { return .isNull(left, negated: negated) }
        if consumeKeyword(.true) { return .isTruthValue(left, .true, negated: negated) }
        if consumeKeyword(.false) { return .isTruthValue(left, .false, negated: negated) }
        if consumeKeyword(.unknown) { return .isTruthValue(left, .unknown, negated: negated) }
        if consumeKeyword(.distinct) {
            try expectKeyword(.from)
            return .isDistinctFrom(left, try parseSubexpression(.isTest), negated: negated)
        }
        throw unexpected(expected: ["NULL", "TRUE", "FALSE", "UNKNOWN", "DISTINCT"])
    }

    /// predicate_suffix = [ "NOT" ] ( "IN" "(" ( query | expression_list ) ")"
    ///     | "BETWEEN" other_operator_expression "AND" other_operator_expression
    ///     | ( "LIKE" | "ILIKE" ) other_operator_expression [ "ESCAPE" other_operator_expression ] ) ;
    mutating func parsePredicateSuffix(_ left: Expr) throws(PoolSQLError) -> ExprKind {
        let negated = consumeKeyword(.not)
        if consumeKeyword(.in) {
            try expectSymbol("(")
            if let query = try attemptParenthesizedQuery() { return .inSubquery(left, query, negated: negated) }
            let items = try parseExpressionList()
            try expectSymbol(")")
            return .inList(left, items, negated: negated)
        }
        if consumeKeyword(.between) {
            let low = try parseOtherOperatorExpression()
            try expectKeyword(.and)
            let high = try parseOtherOperatorExpression()
            return .between(left, low: low, high: high, negated: negated)
        }
        if isSimilarTo(ahead: 0) {
            // a SIMILAR TO b [ESCAPE e] is a ~ similar_to_escape(b[, e]), as PostgreSQL reads it.
            advance(); advance()
            let pattern = try parseOtherOperatorExpression()
            var arguments = [pattern]
            if consumeKeyword(.escape) { arguments.append(try parseOtherOperatorExpression()) }
            let converted = Expr(.function(FunctionCall(name: ObjectName(Ident("similar_to_escape")), arguments: arguments)), range: pattern.range)
            return .binary(left, negated ? .regexNotMatch : .regexMatch, converted)
        }
        let caseInsensitive: Bool
        if consumeKeyword(.like) {
            caseInsensitive = false
        } else if consumeKeyword(.ilike) {
            caseInsensitive = true
        } else {
            throw unexpected(expected: ["IN", "BETWEEN", "LIKE", "ILIKE"])
        }
        let pattern = try parseOtherOperatorExpression()
        var escape: Expr?
        if consumeKeyword(.escape) { escape = try parseOtherOperatorExpression() }
        return .like(left, pattern: pattern, escape: escape, caseInsensitive: caseInsensitive, negated: negated)
    }

    /// subscript = expression [ ":" [ expression ] ] | ":" [ expression ] ;
    mutating func parseSubscript() throws(PoolSQLError) -> Subscript {
        try expectSymbol("[")
        var lower: Expr?
        if !peekSymbol(":") { lower = try parseExpression() }
        if consumeSymbol(":") {
            var upper: Expr?
            if !peekSymbol("]") { upper = try parseExpression() }
            try expectSymbol("]")
            return .slice(lower: lower, upper: upper)
        }
        try expectSymbol("]")
        guard let lower else { throw unexpected(expected: ["an expression"]) }
        return .index(lower)
    }

    // MARK: Prefix forms

    /// primary_expression = literal | typed_literal | column_reference | function_call | … ;
    /// Also reads the prefix operators `+`, `-` and `NOT`, for the precedence loop.
    mutating func parsePrimaryExpression() throws(PoolSQLError) -> Expr {
        switch current.kind {
        case .symbol("-"), .symbol("+"): return try parsePrefixOperator()
        case .symbol("("): return try parseParenthesizedExpression()
        case .integer, .decimal, .string: return try parseLiteral()
        case .quotedIdentifier: return try parseColumnReference()
        case .word: return try parseWordExpression()
        default: throw unexpected(expected: ["an expression"])
        }
    }

    private mutating func parsePrefixOperator() throws(PoolSQLError) -> Expr {
        let start = current.range.start
        let op: UnaryOperator
        let operandLevel: Precedence
        if consumeKeyword(.not) {
            op = .not
            operandLevel = .not
        } else {
            op = current.kind == .symbol("-") ? .minus : .plus
            operandLevel = .unary
            advance()
        }
        let operand = try parseSubexpression(operandLevel)
        return Expr(.unary(op, operand), range: range(from: start))
    }

    private mutating func parseWordExpression() throws(PoolSQLError) -> Expr {
        let followedByParenthesis = peekSymbol("(", ahead: 1)
        switch current.kind.keyword {
        case .not?: return try parsePrefixOperator()
        case .true?, .false?, .null?: return try parseLiteral()
        case .case?: return try parseCaseExpression()
        case .cast?: return try parseCastExpression()
        case .exists?: return try parseExistsExpression()
        case .array?: return try parseArrayExpression()
        case .currentDate?, .currentTime?, .currentTimestamp?, .localTime?, .localTimestamp?:
            return try parseCurrentDatetime()
        case .extract? where followedByParenthesis: return try parseExtractExpression()
        case .substring? where followedByParenthesis: return try parseSubstringExpression()
        case .position? where followedByParenthesis: return try parsePositionExpression()
        case .trim? where followedByParenthesis: return try parseTrimExpression()
        case .row? where followedByParenthesis: return try parseRowConstructor()
        case .left?, .right?:
            // `left(s, n)` and `right(s, n)` are functions although LEFT and RIGHT are reserved.
            guard followedByParenthesis else { throw unexpected(expected: ["an expression"]) }
            let token = current
            advance()
            let name = ObjectName(Ident(Parser.fold(token.kind.description), range: token.range))
            let call = try parseFunctionCall(name: name, start: token.range.start)
            return Expr(.function(call), range: range(from: token.range.start))
        default:
            if let typed = try parseTypedLiteral() { return typed }
            if !atIdentifier { throw unexpected(expected: ["an expression"]) }
            return try parseColumnReference()
        }
    }

    /// `(expression)`, a scalar subquery `(query)`, or a row `(a, b, …)`.
    private mutating func parseParenthesizedExpression() throws(PoolSQLError) -> Expr {
        let start = current.range.start
        try expectSymbol("(")
        if let query = try attemptParenthesizedQuery() {
            return Expr(.subquery(query), range: range(from: start))
        }
        let first = try parseExpression()
        if consumeSymbol(")") {
            var inner = first
            inner.range = range(from: start)
            return inner
        }
        return try parseRowConstructorTail(first: first, start: start)
    }

    private mutating func parseRowConstructorTail(first: Expr, start: SourceLocation) throws(PoolSQLError) -> Expr {
        var items = [first]
        while consumeSymbol(",") { items.append(try parseExpression()) }
        try expectSymbol(")")
        return Expr(.row(items), range: range(from: start))
    }

    /// row_constructor = "ROW" "(" [ expression_list ] ")" | "(" expression "," expression_list ")" ;
    mutating func parseRowConstructor() throws(PoolSQLError) -> Expr {
        let start = current.range.start
        if consumeKeyword(.row) {
            try expectSymbol("(")
            var items: [Expr] = []
            if !peekSymbol(")") { items = try parseExpressionList() }
            try expectSymbol(")")
            return Expr(.row(items), range: range(from: start))
        }
        try expectSymbol("(")
        return try parseRowConstructorTail(first: try parseExpression(), start: start)
    }

    /// literal = integer_literal | decimal_literal | string_literal | "TRUE" | "FALSE" | "NULL" ;
    mutating func parseLiteral() throws(PoolSQLError) -> Expr {
        let token = current
        let literal: Literal
        switch token.kind {
        case let .integer(text):
            // Integers beyond 64 bits stay exact as numeric.
            literal = Int64(text).map(Literal.integer) ?? .numeric(text)
        case let .decimal(text): literal = .numeric(text)
        case let .string(s): literal = .string(s)
        case .word where peekKeyword(.true): literal = .boolean(true)
        case .word where peekKeyword(.false): literal = .boolean(false)
        case .word where peekKeyword(.null): literal = .null
        default: throw unexpected(expected: ["a literal"])
        }
        advance()
        return Expr(.literal(literal), range: token.range)
    }

    /// `INTERVAL '1' DAY`, `INTERVAL '1:30' HOUR TO MINUTE`: a unit after an interval literal
    /// gives a bare number that unit, and drops the fields below the last unit, as PostgreSQL
    /// does. Returns the literal's text with that applied (the qualifier is not kept).
    mutating func parseIntervalQualifier(_ text: String) throws(PoolSQLError) -> String {
        let units = ["year", "month", "day", "hour", "minute", "second"]
        func unitHere(_ ahead: Int) -> String? {
            guard case let .word(w) = (ahead == 0 ? current : peek(ahead)).kind else { return nil }
            let folded = Parser.fold(w)
            return units.contains(folded) ? folded : nil
        }
        guard let first = unitHere(0) else { return text }
        let startRange = current.range
        advance()
        var last = first
        if case let .word(w) = current.kind, Parser.fold(w) == "to", let second = unitHere(1) {
            advance(); advance()
            last = second
        }
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        var value = text
        if first == last, !trimmed.isEmpty, Double(trimmed) != nil {
            value = trimmed + " " + first
        } else if first == "hour" || first == "minute", last != first, !trimmed.contains(" "), trimmed.contains(":"),
                  first == "minute" || trimmed.split(separator: ":").count == 2 && last == "minute" {
            // '1:30' HOUR TO MINUTE is 1 hour 30 minutes; MINUTE TO SECOND reads mm:ss.
            value = first == "minute" ? "00:" + trimmed : trimmed
        }
        let parsed: Interval
        do {
            parsed = try Interval(parsing: value)
        } catch {
            var e = error
            if e.range == nil { e.range = startRange }
            throw e
        }
        // Keep only the fields down to the last unit.
        var months = parsed.months, days = parsed.days, micros = parsed.microseconds
        switch last {
        case "year": months = months / 12 * 12; days = 0; micros = 0
        case "month": days = 0; micros = 0
        case "day": micros = 0
        case "hour": micros = micros / 3_600_000_000 * 3_600_000_000
        case "minute": micros = micros / 60_000_000 * 60_000_000
        default: break
        }
        return Interval(months: months, days: days, microseconds: micros).description
    }

    /// typed_literal = data_type string_literal ; (nil, position unchanged, when not one)
    mutating func parseTypedLiteral() throws(PoolSQLError) -> Expr? {
        guard case let .word(word) = current.kind, Parser.typeNames.contains(Parser.fold(word)) else { return nil }
        let start = position
        let startLocation = current.range.start
        do {
            let type = try parseDataType()
            if case let .string(s) = current.kind {
                advance()
                var text = s
                if type == .interval { text = try parseIntervalQualifier(text) }
                return Expr(.literal(.typed(type, text)), range: range(from: startLocation))
            }
        } catch {
            if error.code == .programLimitExceeded { throw error }
        }
        position = start
        return nil
    }

    /// column_reference = identifier { "." word } ; followed by "(" it is a function_call.
    mutating func parseColumnReference() throws(PoolSQLError) -> Expr {
        let start = current.range.start
        var parts = [try parseIdentifier()]
        while peekSymbol("."), !peekSymbol("*", ahead: 1) {
            advance()
            parts.append(try parseWord())
        }
        if peekSymbol("(") {
            let call = try parseFunctionCall(name: ObjectName(parts), start: start)
            return Expr(.function(call), range: range(from: start))
        }
        let kind: ExprKind = parts.count == 1 ? .identifier(parts[0]) : .compoundIdentifier(parts)
        return Expr(kind, range: range(from: start))
    }

    /// function_call = object_name "(" [ "*" | [ "DISTINCT" | "ALL" ] expression_list [ order_by_clause ] ] ")"
    ///     [ within_group_clause ] [ filter_clause ] [ over_clause ] ;
    mutating func parseFunctionCall(name: ObjectName, start: SourceLocation) throws(PoolSQLError) -> FunctionCall {
        try enter()
        defer { leave() }
        try expectSymbol("(")
        var call = FunctionCall(name: name)
        if consumeSymbol("*") {
            call.star = true
        } else if !peekSymbol(")") {
            if consumeKeyword(.distinct) {
                call.distinct = true
            } else {
                _ = consumeKeyword(.all)
            }
            repeat {
                let (argumentName, argument) = try parseFunctionArgument()
                if let argumentName {
                    while call.argumentNames.count < call.arguments.count { call.argumentNames.append(nil) }
                    call.argumentNames.append(argumentName)
                } else if !call.argumentNames.isEmpty {
                    call.argumentNames.append(nil)
                }
                call.arguments.append(argument)
            } while consumeSymbol(",")
            if peekKeyword(.order) { call.orderBy = try parseOrderByClause() }
        }
        try expectSymbol(")")
        if peekKeyword(.within), peekKeyword(.group, ahead: 1) { call.withinGroup = try parseWithinGroupClause() }
        // `FILTER (WHERE …)`; `f() filter (x)` in FROM is an alias with a column list, as in PostgreSQL.
        if peekKeyword(.filter), peekSymbol("(", ahead: 1), peekKeyword(.where, ahead: 2) { call.filter = try parseFilterClause() }
        if peekKeyword(.over) { call.over = try parseOverClause() }
        return call
    }

    /// A function argument, optionally named: `make_interval(days => 3)` (PostgreSQL's
    /// `name => value`; the binder rejects a positional argument after named ones).
    mutating func parseFunctionArgument() throws(PoolSQLError) -> (Ident?, Expr) {
        var argumentName: Ident?
        if atIdentifier, peekSymbol("=>", ahead: 1) {
            argumentName = try parseIdentifier()
            try expectSymbol("=>")
        }
        return (argumentName, try parseExpression())
    }

    /// within_group_clause = "WITHIN" "GROUP" "(" order_by_clause ")" ;
    mutating func parseWithinGroupClause() throws(PoolSQLError) -> [OrderByItem] {
        try expectKeyword(.within)
        try expectKeyword(.group)
        try expectSymbol("(")
        let items = try parseOrderByClause()
        try expectSymbol(")")
        return items
    }

    /// filter_clause = "FILTER" "(" "WHERE" expression ")" ;
    mutating func parseFilterClause() throws(PoolSQLError) -> Expr {
        try expectKeyword(.filter)
        try expectSymbol("(")
        try expectKeyword(.where)
        let condition = try parseExpression()
        try expectSymbol(")")
        return condition
    }

    /// over_clause = "OVER" ( identifier | window_specification ) ;
    mutating func parseOverClause() throws(PoolSQLError) -> WindowReference {
        try expectKeyword(.over)
        if peekSymbol("(") { return .specification(try parseWindowSpecification()) }
        return .named(try parseIdentifier())
    }

    /// window_specification = "(" [ identifier ] [ "PARTITION" "BY" expression_list ] [ order_by_clause ] [ window_frame ] ")" ;
    mutating func parseWindowSpecification() throws(PoolSQLError) -> WindowSpecification {
        try enter()
        defer { leave() }
        try expectSymbol("(")
        var spec = WindowSpecification()
        let startsClause = (peekKeyword(.partition) && peekKeyword(.by, ahead: 1)) || isFrameStart
        if atIdentifier, !startsClause { spec.baseWindow = try parseIdentifier() }
        if consumeKeywords(.partition, .by) { spec.partitionBy = try parseExpressionList() }
        if peekKeyword(.order) { spec.orderBy = try parseOrderByClause() }
        if isFrameStart { spec.frame = try parseWindowFrame() }
        try expectSymbol(")")
        return spec
    }

    private var isFrameStart: Bool {
        (peekKeyword(.rows) || peekKeyword(.range) || peekKeyword(.groups)) && !peekSymbol(")", ahead: 1)
    }

    /// window_frame = ( "ROWS" | "RANGE" | "GROUPS" ) ( frame_bound | "BETWEEN" frame_bound "AND" frame_bound ) ;
    mutating func parseWindowFrame() throws(PoolSQLError) -> WindowFrame {
        let units: FrameUnits
        if consumeKeyword(.rows) {
            units = .rows
        } else if consumeKeyword(.range) {
            units = .range
        } else if consumeKeyword(.groups) {
            units = .groups
        } else {
            throw unexpected(expected: ["ROWS", "RANGE", "GROUPS"])
        }
        if consumeKeyword(.between) {
            let start = try parseFrameBound()
            try expectKeyword(.and)
            return WindowFrame(units: units, start: start, end: try parseFrameBound())
        }
        return WindowFrame(units: units, start: try parseFrameBound())
    }

    /// frame_bound = "UNBOUNDED" ( "PRECEDING" | "FOLLOWING" ) | "CURRENT" "ROW"
    ///     | not_expression ( "PRECEDING" | "FOLLOWING" ) ;
    mutating func parseFrameBound() throws(PoolSQLError) -> FrameBound {
        if consumeKeywords(.unbounded, .preceding) { return .unboundedPreceding }
        if consumeKeywords(.unbounded, .following) { return .unboundedFollowing }
        if consumeKeywords(.current, .row) { return .currentRow }
        let offset = try parseNotExpression()
        if consumeKeyword(.preceding) { return .preceding(offset) }
        if consumeKeyword(.following) { return .following(offset) }
        throw unexpected(expected: ["PRECEDING", "FOLLOWING"])
    }

    /// case_expression = "CASE" [ expression ] when_clause { when_clause } [ "ELSE" expression ] "END" ;
    mutating func parseCaseExpression() throws(PoolSQLError) -> Expr {
        let start = current.range.start
        try expectKeyword(.case)
        var operand: Expr?
        if !peekKeyword(.when) { operand = try parseExpression() }
        var branches = [try parseWhenClause()]
        while peekKeyword(.when) { branches.append(try parseWhenClause()) }
        var elseResult: Expr?
        if consumeKeyword(.else) { elseResult = try parseExpression() }
        try expectKeyword(.end)
        return Expr(.caseWhen(operand: operand, branches: branches, elseResult: elseResult), range: range(from: start))
    }

    /// when_clause = "WHEN" expression "THEN" expression ;
    mutating func parseWhenClause() throws(PoolSQLError) -> WhenBranch {
        try expectKeyword(.when)
        let condition = try parseExpression()
        try expectKeyword(.then)
        return WhenBranch(condition: condition, result: try parseExpression())
    }

    /// cast_expression = "CAST" "(" expression "AS" data_type ")" ;
    mutating func parseCastExpression() throws(PoolSQLError) -> Expr {
        let start = current.range.start
        try expectKeyword(.cast)
        try expectSymbol("(")
        let operand = try parseExpression()
        try expectKeyword(.as)
        let type = try parseDataType()
        try expectSymbol(")")
        return Expr(.cast(operand, type, syntax: .cast), range: range(from: start))
    }

    /// exists_expression = "EXISTS" "(" query ")" ;
    mutating func parseExistsExpression() throws(PoolSQLError) -> Expr {
        let start = current.range.start
        try expectKeyword(.exists)
        try expectSymbol("(")
        let query = try parseQuery()
        try expectSymbol(")")
        return Expr(.exists(query), range: range(from: start))
    }

    /// array_expression = "ARRAY" array_elements | "ARRAY" "(" query ")" ;
    mutating func parseArrayExpression() throws(PoolSQLError) -> Expr {
        let start = current.range.start
        try expectKeyword(.array)
        if consumeSymbol("(") {
            let query = try parseQuery()
            try expectSymbol(")")
            return Expr(.arraySubquery(query), range: range(from: start))
        }
        return try parseArrayElements(start: start)
    }

    /// array_elements = "[" [ ( array_elements { "," array_elements } | expression_list ) ] "]" ;
    /// Inside `ARRAY[…]` a bare `[…]` is a sub-array (`ARRAY[[1, 2], [3, 4]]`), the same as
    /// `ARRAY[ARRAY[1, 2], ARRAY[3, 4]]`.
    mutating func parseArrayElements(start: SourceLocation) throws(PoolSQLError) -> Expr {
        try expectSymbol("[")
        var items: [Expr] = []
        if peekSymbol("[") {
            repeat {
                items.append(try parseArrayElements(start: current.range.start))
            } while consumeSymbol(",")
        } else if !peekSymbol("]") {
            items = try parseExpressionList()
        }
        try expectSymbol("]")
        return Expr(.array(items), range: range(from: start))
    }

    /// current_datetime = "CURRENT_TIMESTAMP" | "CURRENT_DATE" | "CURRENT_TIME" | "LOCALTIMESTAMP" | "LOCALTIME" ;
    mutating func parseCurrentDatetime() throws(PoolSQLError) -> Expr {
        let token = current
        let kind: CurrentDateTime
        switch token.kind.keyword {
        case .currentTimestamp?: kind = .currentTimestamp
        case .currentDate?: kind = .currentDate
        case .currentTime?: kind = .currentTime
        case .localTimestamp?: kind = .localTimestamp
        case .localTime?: kind = .localTime
        default: throw unexpected(expected: ["CURRENT_TIMESTAMP"])
        }
        advance()
        return Expr(.currentDateTime(kind), range: token.range)
    }

    /// extract_expression = "EXTRACT" "(" ( word | string_literal ) "FROM" expression ")" ;
    mutating func parseExtractExpression() throws(PoolSQLError) -> Expr {
        let start = current.range.start
        try expectKeyword(.extract)
        try expectSymbol("(")
        let field: String
        if case let .string(s) = current.kind {
            advance()
            field = s.lowercased()
        } else {
            field = try parseWord().value.lowercased()
        }
        try expectKeyword(.from)
        let operand = try parseExpression()
        try expectSymbol(")")
        return Expr(.extract(field: field, operand), range: range(from: start))
    }

    /// substring_expression = "SUBSTRING" "(" expression ( "FROM" expression [ "FOR" expression ]
    ///     | "FOR" expression | { "," expression } ) ")" ;
    mutating func parseSubstringExpression() throws(PoolSQLError) -> Expr {
        let start = current.range.start
        let nameToken = current
        try expectKeyword(.substring)
        try expectSymbol("(")
        let operand = try parseExpression()
        if peekSymbol(",") || peekSymbol(")") {
            // The plain function form `substring(x, a, b)`.
            var arguments = [operand]
            while consumeSymbol(",") { arguments.append(try parseExpression()) }
            try expectSymbol(")")
            let name = ObjectName(Ident("substring", range: nameToken.range))
            return Expr(.function(FunctionCall(name: name, arguments: arguments)), range: range(from: start))
        }
        var from: Expr?, forLength: Expr?
        while true {
            if from == nil, consumeKeyword(.from) {
                from = try parseExpression()
            } else if forLength == nil, consumeKeyword(.for) {
                forLength = try parseExpression()
            } else {
                break
            }
        }
        try expectSymbol(")")
        return Expr(.substring(operand, from: from, for: forLength), range: range(from: start))
    }

    /// position_expression = "POSITION" "(" other_operator_expression "IN" other_operator_expression ")" ;
    mutating func parsePositionExpression() throws(PoolSQLError) -> Expr {
        let start = current.range.start
        try expectKeyword(.position)
        try expectSymbol("(")
        let needle = try parseOtherOperatorExpression()
        try expectKeyword(.in)
        let haystack = try parseOtherOperatorExpression()
        try expectSymbol(")")
        return Expr(.position(needle, in: haystack), range: range(from: start))
    }

    /// trim_expression = "TRIM" "(" [ "LEADING" | "TRAILING" | "BOTH" ]
    ///     ( "FROM" expression | expression [ "FROM" expression | "," expression ] ) ")" ;
    mutating func parseTrimExpression() throws(PoolSQLError) -> Expr {
        let start = current.range.start
        try expectKeyword(.trim)
        try expectSymbol("(")
        var side: TrimSide?
        if consumeKeyword(.leading) {
            side = .leading
        } else if consumeKeyword(.trailing) {
            side = .trailing
        } else if consumeKeyword(.both) {
            side = .both
        }
        let operand: Expr
        var characters: Expr?
        if consumeKeyword(.from) {
            operand = try parseExpression()
        } else {
            let first = try parseExpression()
            if consumeKeyword(.from) {
                characters = first
                operand = try parseExpression()
            } else if consumeSymbol(",") {
                operand = first
                characters = try parseExpression()
            } else {
                operand = first
            }
        }
        try expectSymbol(")")
        return Expr(.trim(operand, side: side, characters: characters), range: range(from: start))
    }
}
