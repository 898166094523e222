import PoolSQLCore

/// A statement and the source text range it was parsed from.
public struct LocatedStatement: Sendable, Hashable {
    public var statement: Statement
    public var range: SourceRange

    public init(statement: Statement, range: SourceRange) {
        self.statement = statement
        self.range = range
    }
}

/// A hand-written recursive-descent parser for the PoolSQL dialect. Each rule of
/// `Grammar/poolsql.ebnf` has one parse function named after it (`select_statement` ↔
/// `parseSelectStatement()`); expressions use a precedence-climbing loop over `OperatorTable`.
public struct Parser {
    /// Deeper nesting is `54001 stack depth limit exceeded`, well before the native stack could
    /// overflow. Parentheses, subqueries and prefix operators count one level each, and so does
    /// every operator of a chain (`a + b + c` is a tree two levels deep): the limit bounds the
    /// depth of the tree, which whoever walks it recursively (printer, planner) relies on.
    public static let maxDepth = 200

    var tokens: [Token]
    var position = 0
    var depth = 0
    /// Positions where an attempt to read a parenthesized query failed, so that backtracking
    /// between "query" and "expression" readings of `((…` stays linear.
    var failedQueryStarts: Set<Int> = []
    /// The last word read as an alias without AS; when the very next token is a syntax error,
    /// the alias was most likely a misspelt keyword (`SELECT a FORM t`).
    var lastBareAlias: (position: Int, token: Token)?

    init(tokens: [Token]) {
        self.tokens = tokens
    }

    init(sql: String) throws(PoolSQLError) {
        self.init(tokens: try Lexer.tokenize(sql))
    }

    // MARK: Entry points

    /// Parses zero or more statements separated by `;` (empty statements are skipped).
    public static func parseStatements(_ sql: String) throws(PoolSQLError) -> [Statement] {
        var parser = try Parser(sql: sql)
        return try parser.parseStatementList()
    }

    /// Like `parseStatements`, with the source range of each statement (for per-statement
    /// error locations and echoing a script's statements).
    public static func parseLocatedStatements(_ sql: String) throws(PoolSQLError) -> [LocatedStatement] {
        var parser = try Parser(sql: sql)
        return try parser.parseLocatedStatementList()
    }

    /// Parses exactly one statement (a trailing `;` is allowed).
    public static func parseStatement(_ sql: String) throws(PoolSQLError) -> Statement {
        var parser = try Parser(sql: sql)
        let statements = try parser.parseLocatedStatementList()
        guard statements.count == 1 else {
            if statements.count > 1 {
                throw PoolSQLError.syntax("expected a single statement, found \(statements.count)", at: statements[1].range)
            }
            throw PoolSQLError.syntax("syntax error at end of input", at: parser.current.range)
        }
        return statements[0].statement
    }

    /// Parses one expression, e.g. for a setting value or a test.
    public static func parseExpression(_ sql: String) throws(PoolSQLError) -> Expr {
        var parser = try Parser(sql: sql)
        let expr = try parser.parseExpression()
        guard parser.current.kind == .endOfInput else { throw parser.unexpected(expected: ["end of input"]) }
        return expr
    }

    /// Parses one query (`SELECT …`, `VALUES …`, `WITH …`).
    public static func parseQuery(_ sql: String) throws(PoolSQLError) -> Query {
        var parser = try Parser(sql: sql)
        let query = try parser.parseQuery()
        _ = parser.consumeSymbol(";")
        guard parser.current.kind == .endOfInput else { throw parser.unexpected(expected: ["end of input"]) }
        return query
    }

    /// Parses one data type name (`INT`, `NUMERIC(10, 2)`, `TIMESTAMP WITH TIME ZONE`, `TEXT[]`).
    public static func parseDataType(_ sql: String) throws(PoolSQLError) -> DataType {
        var parser = try Parser(sql: sql)
        let type = try parser.parseDataType()
        guard parser.current.kind == .endOfInput else { throw parser.unexpected(expected: ["end of input"]) }
        return type
    }

    // MARK: Token navigation

    var current: Token { tokens[min(position, tokens.count - 1)] }

    func peek(_ ahead: Int = 1) -> Token { tokens[min(position + ahead, tokens.count - 1)] }

    /// End of the previous token, for the end of a node's range.
    var previousEnd: SourceLocation {
        position > 0 ? tokens[min(position, tokens.count) - 1].range.end : current.range.start
    }

    func range(from start: SourceLocation) -> SourceRange {
        SourceRange(start: start, end: max(start, previousEnd))
    }

    mutating func advance() {
        if position < tokens.count - 1 { position += 1 }
    }

    func isKeyword(_ keyword: Keyword, _ token: Token) -> Bool { token.kind.keyword == keyword }

    func peekKeyword(_ keyword: Keyword, ahead: Int = 0) -> Bool {
        isKeyword(keyword, ahead == 0 ? current : peek(ahead))
    }

    func peekSymbol(_ symbol: String, ahead: Int = 0) -> Bool {
        (ahead == 0 ? current : peek(ahead)).kind == .symbol(symbol)
    }

    mutating func consumeKeyword(_ keyword: Keyword) -> Bool {
        guard peekKeyword(keyword) else { return false }
        advance()
        return true
    }

    /// Consumes the keywords in order if all of them are next.
    mutating func consumeKeywords(_ keywords: Keyword...) -> Bool {
        for (i, k) in keywords.enumerated() where !peekKeyword(k, ahead: i) { return false }
        for _ in keywords { advance() }
        return true
    }

    mutating func expectKeyword(_ keyword: Keyword) throws(PoolSQLError) {
        guard consumeKeyword(keyword) else { throw unexpected(expected: [keyword.rawValue]) }
    }

    mutating func consumeSymbol(_ symbol: String) -> Bool {
        guard peekSymbol(symbol) else { return false }
        advance()
        return true
    }

    mutating func expectSymbol(_ symbol: String) throws(PoolSQLError) {
        guard consumeSymbol(symbol) else { throw unexpected(expected: ["\"\(symbol)\""]) }
    }

    // MARK: Depth

    mutating func enter() throws(PoolSQLError) {
        guard depth < Parser.maxDepth else {
            throw PoolSQLError(.programLimitExceeded, "stack depth limit exceeded",
                               hint: "Statements may nest at most \(Parser.maxDepth) levels deep.", range: current.range)
        }
        depth += 1
    }

    mutating func leave() { depth -= 1 }

    // MARK: Errors

    /// `syntax error at or near "X"` at the current token, with the expectation as detail and a
    /// "did you mean …?" hint when the token is a word close to an expected keyword.
    func unexpected(expected: [String]) -> PoolSQLError {
        let keywords = expected.filter { Keyword(word: $0) != nil }
        if let alias = lastBareAlias, alias.position == position - 1, case let .word(word) = alias.token.kind,
           let suggestion = ClosestName.find(word, in: Parser.clauseKeywords) {
            return PoolSQLError(.syntaxError, "syntax error at or near \"\(word)\"",
                                detail: "\"\(word)\" was read as a column alias, and then \"\(current.kind)\" could not follow it",
                                hint: "did you mean \(suggestion)?", range: alias.token.range)
        }
        let token = current
        var hint: String?
        if case let .word(word) = token.kind, Keyword(word: word) == nil || !keywords.contains(word.uppercased()),
           let suggestion = ClosestName.find(word, in: keywords) {
            hint = "did you mean \(suggestion)?"
        }
        let found: String
        let message: String
        if token.kind == .endOfInput {
            found = "end of input"
            message = "syntax error at end of input"
        } else {
            found = "\"\(token.kind)\""
            message = "syntax error at or near \"\(token.kind)\""
        }
        return PoolSQLError(.syntaxError, message, detail: "expected \(Parser.describe(expected)), found \(found)",
                            hint: hint, range: token.range)
    }

    static func describe(_ expected: [String]) -> String {
        switch expected.count {
        case 0: return "something else"
        case 1: return expected[0]
        default: return expected.dropLast().joined(separator: ", ") + " or " + (expected.last ?? "")
        }
    }

    /// Keywords that follow an expression or a FROM item; a misspelling of one is read as an
    /// alias first, and the error that follows gets a hint from this list.
    static let clauseKeywords: [String] = [
        "FROM", "WHERE", "GROUP", "HAVING", "WINDOW", "ORDER", "LIMIT", "OFFSET", "UNION", "INTERSECT", "EXCEPT",
        "JOIN", "LEFT", "RIGHT", "INNER", "FULL", "CROSS", "NATURAL", "ON", "USING", "AS", "AND", "OR", "NOT",
        "IN", "LIKE", "ILIKE", "BETWEEN", "IS", "ASC", "DESC", "NULLS", "THEN", "ELSE", "END", "WHEN",
    ]

    static let statementKeywords: [String] = [
        "SELECT", "WITH", "VALUES", "EXPLAIN", "SET", "SHOW", "RESET", "CREATE", "ALTER", "DROP", "CHECK", "RUN",
        "INSERT", "COPY",
    ]

    // MARK: Identifiers and words

    /// ASCII-only case folding, as PostgreSQL does for unquoted identifiers.
    static func fold(_ word: String) -> String {
        String(String.UnicodeScalarView(word.unicodeScalars.map { ("A"..."Z").contains($0) ? Unicode.Scalar($0.value + 32) ?? $0 : $0 }))
    }

    /// An identifier: a word that is not a reserved keyword, or a quoted identifier.
    mutating func parseIdentifier() throws(PoolSQLError) -> Ident {
        let token = current
        switch token.kind {
        case let .word(word) where !(Keyword(word: word)?.isReserved ?? false):
            advance()
            return Ident(Parser.fold(word), quoted: false, range: token.range)
        case let .quotedIdentifier(name):
            advance()
            return Ident(name, quoted: true, range: token.range)
        default:
            throw unexpected(expected: ["an identifier"])
        }
    }

    var atIdentifier: Bool {
        switch current.kind {
        case let .word(word): return !(Keyword(word: word)?.isReserved ?? false)
        case .quotedIdentifier: return true
        default: return false
        }
    }

    /// Any word, keywords included (setting names, option names, labels after AS or `.`).
    mutating func parseWord() throws(PoolSQLError) -> Ident {
        let token = current
        switch token.kind {
        case let .word(word):
            advance()
            return Ident(Parser.fold(word), quoted: false, range: token.range)
        case let .quotedIdentifier(name):
            advance()
            return Ident(name, quoted: true, range: token.range)
        default:
            throw unexpected(expected: ["a name"])
        }
    }

    /// object_name = identifier { "." word } ;
    mutating func parseObjectName() throws(PoolSQLError) -> ObjectName {
        var parts = [try parseIdentifier()]
        while peekSymbol("."), !peekSymbol("*", ahead: 1) {
            advance()
            parts.append(try parseWord())
        }
        return ObjectName(parts)
    }

    /// identifier_list = identifier { "," identifier } ;
    mutating func parseIdentifierList() throws(PoolSQLError) -> [Ident] {
        var idents = [try parseIdentifier()]
        while consumeSymbol(",") { idents.append(try parseIdentifier()) }
        return idents
    }

    /// column_name_list = "(" identifier_list ")" ;
    mutating func parseColumnNameList() throws(PoolSQLError) -> [Ident] {
        try expectSymbol("(")
        let idents = try parseIdentifierList()
        try expectSymbol(")")
        return idents
    }

    /// string_literal as a plain string (URIs, paths, scenario names).
    mutating func parseStringLiteral() throws(PoolSQLError) -> String {
        guard case let .string(s) = current.kind else { throw unexpected(expected: ["a string literal"]) }
        advance()
        return s
    }

    /// A query starts here, possibly after opening parentheses: `SELECT`, `VALUES`, `WITH`.
    func queryStartsAfterParentheses(from start: Int) -> Bool {
        var i = start
        while i < tokens.count, tokens[i].kind == .symbol("(") { i += 1 }
        guard i < tokens.count, let k = tokens[i].kind.keyword else { return false }
        return k == .select || k == .values || k == .with
    }

    /// Tries to read `query ")"` at the current position (just after a `(`); on failure
    /// restores the position and returns nil so the caller can read something else.
    mutating func attemptParenthesizedQuery() throws(PoolSQLError) -> Query? {
        let start = position
        guard queryStartsAfterParentheses(from: start), !failedQueryStarts.contains(start) else { return nil }
        if current.kind != .symbol("(") {
            // `(SELECT …`: nothing else can start this way, so its errors are the real ones.
            let query = try parseQuery()
            try expectSymbol(")")
            return query
        }
        do {
            let query = try parseQuery()
            try expectSymbol(")")
            return query
        } catch {
            if error.code == .programLimitExceeded { throw error }
            failedQueryStarts.insert(start)
            position = start
            return nil
        }
    }
}
