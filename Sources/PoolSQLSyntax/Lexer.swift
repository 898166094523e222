import PoolSQLCore

/// Turns SQL text into tokens. Works on Unicode scalars so that columns count scalars, as
/// `SourceLocation` promises. Every input yields tokens or a `PoolSQLError`.
public struct Lexer: Sendable {
    private let scalars: [Unicode.Scalar]
    private var index = 0
    private var line = 1
    private var column = 1

    /// Symbols, longest first so that the longest match wins.
    static let symbols: [String] = [
        "!~*", "::", "=>", "||", "<>", "!=", "<=", ">=", "~*", "!~", "@>", "<@", "&&",
        "(", ")", ",", ";", ".", "[", "]", ":", "+", "-", "*", "/", "%", "^", "=", "<", ">", "~",
    ]

    public init(_ source: String) {
        self.scalars = Array(source.unicodeScalars)
    }

    /// All tokens, ending with `.endOfInput`.
    public static func tokenize(_ source: String) throws(PoolSQLError) -> [Token] {
        var lexer = Lexer(source)
        var tokens: [Token] = []
        while true {
            let token = try lexer.nextToken()
            tokens.append(token)
            if token.kind == .endOfInput { return tokens }
        }
    }

    private var location: SourceLocation { SourceLocation(line: line, column: column, offset: index) }

    private func peek(_ ahead: Int = 0) -> Unicode.Scalar? {
        let i = index + ahead
        return i < scalars.count ? scalars[i] : nil
    }

    private mutating func advance() {
        guard index < scalars.count else { return }
        if scalars[index] == "\n" {
            line += 1
            column = 1
        } else {
            column += 1
        }
        index += 1
    }

    private static func isWhitespace(_ c: Unicode.Scalar) -> Bool {
        c == " " || c == "\t" || c == "\n" || c == "\r" || c == "\u{0B}" || c == "\u{0C}"
    }

    private static func isIdentifierStart(_ c: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(c) || ("A"..."Z").contains(c) || c == "_" || c.value >= 0x80
    }

    private static func isIdentifierPart(_ c: Unicode.Scalar) -> Bool {
        isIdentifierStart(c) || isDigit(c) || c == "$"
    }

    private static func isDigit(_ c: Unicode.Scalar) -> Bool { ("0"..."9").contains(c) }

    private func text(from start: Int) -> String {
        var s = String.UnicodeScalarView()
        s.append(contentsOf: scalars[start..<index])
        return String(s)
    }

    public mutating func nextToken() throws(PoolSQLError) -> Token {
        try skipWhitespaceAndComments()
        let start = location
        guard let c = peek() else { return Token(.endOfInput, range: SourceRange(at: start)) }

        // E'…' escape strings.
        if (c == "E" || c == "e"), peek(1) == "'" {
            advance()
            let value = try readContinuedString(start: start, escapes: true)
            return Token(.string(value), range: SourceRange(start: start, end: location))
        }
        if Lexer.isIdentifierStart(c) {
            let from = index
            while let n = peek(), Lexer.isIdentifierPart(n) { advance() }
            return Token(.word(text(from: from)), range: SourceRange(start: start, end: location))
        }
        if Lexer.isDigit(c) || (c == "." && peek(1).map(Lexer.isDigit) == true) {
            return try readNumber(start: start)
        }
        if c == "'" {
            let value = try readContinuedString(start: start, escapes: false)
            return Token(.string(value), range: SourceRange(start: start, end: location))
        }
        if c == "\"" {
            return try readQuotedIdentifier(start: start)
        }
        for symbol in Lexer.symbols where matches(symbol) {
            for _ in symbol.unicodeScalars { advance() }
            return Token(.symbol(symbol), range: SourceRange(start: start, end: location))
        }
        advance()
        throw PoolSQLError.syntax("syntax error at or near \"\(Character(c))\"", at: SourceRange(start: start, end: location))
    }

    private func matches(_ symbol: String) -> Bool {
        var i = 0
        for s in symbol.unicodeScalars {
            if peek(i) != s { return false }
            i += 1
        }
        return true
    }

    private mutating func skipWhitespaceAndComments() throws(PoolSQLError) {
        while let c = peek() {
            if Lexer.isWhitespace(c) {
                advance()
            } else if c == "-", peek(1) == "-" {
                while let n = peek(), n != "\n" { advance() }
            } else if c == "/", peek(1) == "*" {
                // Block comments nest, as in PostgreSQL.
                let start = location
                advance(); advance()
                var depth = 1
                while depth > 0 {
                    guard let n = peek() else {
                        throw PoolSQLError.syntax("unterminated /* comment at or near \"/*\"", at: SourceRange(start: start, end: location))
                    }
                    if n == "/", peek(1) == "*" {
                        advance(); advance(); depth += 1
                    } else if n == "*", peek(1) == "/" {
                        advance(); advance(); depth -= 1
                    } else {
                        advance()
                    }
                }
            } else {
                return
            }
        }
    }

    private mutating func readNumber(start: SourceLocation) throws(PoolSQLError) -> Token {
        let from = index
        var isDecimal = false
        while let c = peek(), Lexer.isDigit(c) { advance() }
        if peek() == ".", peek(1) != "." {
            isDecimal = true
            advance()
            while let c = peek(), Lexer.isDigit(c) { advance() }
        }
        if let e = peek(), e == "e" || e == "E" {
            let signed = peek(1) == "+" || peek(1) == "-"
            if let d = peek(signed ? 2 : 1), Lexer.isDigit(d) {
                isDecimal = true
                advance()
                if signed { advance() }
                while let c = peek(), Lexer.isDigit(c) { advance() }
            }
        }
        let text = self.text(from: from)
        if let c = peek(), Lexer.isIdentifierStart(c) {
            // `123abc`, `1e`, `0x1F`: PostgreSQL rejects these too.
            while let n = peek(), Lexer.isIdentifierPart(n) { advance() }
            throw PoolSQLError.syntax("trailing junk after numeric literal at or near \"\(self.text(from: from))\"",
                                      at: SourceRange(start: start, end: location))
        }
        return Token(isDecimal ? .decimal(text) : .integer(text), range: SourceRange(start: start, end: location))
    }

    /// Reads a string literal and the literals that continue it: as in standard SQL, `'foo'`
    /// followed by whitespace holding a newline and then `'bar'` is the one string `foobar`
    /// (on the same line it stays a syntax error, as in PostgreSQL).
    private mutating func readContinuedString(start: SourceLocation, escapes: Bool) throws(PoolSQLError) -> String {
        var value = try readString(start: start, escapes: escapes)
        while true {
            var ahead = 0
            var sawNewline = false
            while let c = peek(ahead), c == " " || c == "\t" || c == "\n" || c == "\r" || c == "\u{0C}" {
                if c == "\n" || c == "\r" { sawNewline = true }
                ahead += 1
            }
            guard sawNewline, peek(ahead) == "'" else { return value }
            for _ in 0..<ahead { advance() }
            value += try readString(start: location, escapes: escapes)
        }
    }

    /// Reads `'…'` (the opening quote is next); `''` is a quote. With `escapes`, backslash
    /// escapes as in PostgreSQL's E'…' strings.
    private mutating func readString(start: SourceLocation, escapes: Bool) throws(PoolSQLError) -> String {
        advance()
        var value = String.UnicodeScalarView()
        while true {
            guard let c = peek() else {
                throw PoolSQLError.syntax("unterminated quoted string at or near \"\(text(from: start.offset))\"",
                                          at: SourceRange(start: start, end: location))
            }
            if c == "'" {
                if peek(1) == "'" {
                    value.append("'")
                    advance(); advance()
                    continue
                }
                advance()
                return String(value)
            }
            if escapes, c == "\\" {
                advance()
                guard let e = peek() else { continue }
                advance()
                switch e {
                case "n": value.append("\n")
                case "t": value.append("\t")
                case "r": value.append("\r")
                case "b": value.append("\u{08}")
                case "f": value.append("\u{0C}")
                case "x":
                    var code: UInt32 = 0, digits = 0
                    while digits < 2, let h = peek(), let v = Lexer.hexValue(h) { code = code * 16 + v; digits += 1; advance() }
                    if digits == 0 { value.append("x") } else { try appendScalar(code, to: &value, start: start) }
                case "u", "U":
                    let wanted = e == "u" ? 4 : 8
                    var code: UInt32 = 0
                    for _ in 0..<wanted {
                        guard let h = peek(), let v = Lexer.hexValue(h) else {
                            throw PoolSQLError(.invalidEscapeSequence, "invalid Unicode escape",
                                               hint: "Unicode escapes must be \\uXXXX or \\UXXXXXXXX.", range: SourceRange(start: start, end: location))
                        }
                        code = code &* 16 &+ v
                        advance()
                    }
                    try appendScalar(code, to: &value, start: start)
                case "0"..."7":
                    var code = e.value - 48, digits = 1
                    while digits < 3, let o = peek(), ("0"..."7").contains(o) { code = code * 8 + (o.value - 48); digits += 1; advance() }
                    try appendScalar(code, to: &value, start: start)
                default: value.append(e)
                }
                continue
            }
            value.append(c)
            advance()
        }
    }

    private func appendScalar(_ code: UInt32, to value: inout String.UnicodeScalarView, start: SourceLocation) throws(PoolSQLError) {
        guard code != 0, let scalar = Unicode.Scalar(code) else {
            throw PoolSQLError(.invalidEscapeSequence, "invalid escape value in string literal", range: SourceRange(start: start, end: location))
        }
        value.append(scalar)
    }

    private static func hexValue(_ c: Unicode.Scalar) -> UInt32? {
        switch c {
        case "0"..."9": return c.value - 48
        case "a"..."f": return c.value - 87
        case "A"..."F": return c.value - 55
        default: return nil
        }
    }

    private mutating func readQuotedIdentifier(start: SourceLocation) throws(PoolSQLError) -> Token {
        advance()
        var value = String.UnicodeScalarView()
        while true {
            guard let c = peek() else {
                throw PoolSQLError.syntax("unterminated quoted identifier at or near \"\(text(from: start.offset))\"",
                                          at: SourceRange(start: start, end: location))
            }
            advance()
            if c == "\"" {
                if peek() == "\"" {
                    value.append("\"")
                    advance()
                    continue
                }
                break
            }
            value.append(c)
        }
        let range = SourceRange(start: start, end: location)
        if value.isEmpty {
            throw PoolSQLError.syntax("zero-length delimited identifier at or near \"\"\"\"", at: range)
        }
        return Token(.quotedIdentifier(String(value)), range: range)
    }
}
