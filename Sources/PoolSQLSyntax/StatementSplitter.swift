/// Splits SQL text that arrives piece by piece (a REPL line, a line of a piped script) into
/// complete statements and psql-style meta-commands, as soon as each one is complete.
///
/// A statement ends at a `;` that is outside string literals (`'it''s'`, `E'it\'s'`), quoted
/// identifiers (`"a""b"`), `--` comments and nested `/* … */` comments. A line whose first
/// non-blank character is a backslash (outside any literal or comment) is a meta-command such as
/// `\timing on`; it is returned on its own and leaves a pending statement pending, as in psql.
///
/// Whitespace and `--` comments before a statement are dropped (psql does the same), so each
/// statement's text starts at its first token; `line` says where that is in the whole input, so
/// error positions inside the statement can be mapped back to the file.
public struct StatementSplitter: Sendable {
    /// A complete statement, with its exact source text (through the terminating `;` when there
    /// is one).
    public struct Statement: Sendable, Hashable {
        public var text: String
        /// 1-based line of the statement's first character in the whole input.
        public var line: Int
        /// psql variable references (`:name`, `:'name'`, `:"name"`) found outside literals and
        /// comments, in order, with offsets in Unicode scalars into `text`.
        public var variableReferences: [VariableReference]

        public init(text: String, line: Int, variableReferences: [VariableReference] = []) {
            self.text = text
            self.line = line
            self.variableReferences = variableReferences
        }
    }

    /// A `:name` reference to a client-side variable, substituted before the statement runs.
    public struct VariableReference: Sendable, Hashable {
        public enum Quoting: Sendable, Hashable {
            /// `:name`, replaced by the value as is.
            case none
            /// `:'name'`, replaced by the value as a string literal.
            case literal
            /// `:"name"`, replaced by the value as a quoted identifier.
            case identifier
        }

        public var name: String
        public var quoting: Quoting
        /// Unicode-scalar offsets into the statement text, covering the whole reference.
        public var range: Range<Int>

        public init(name: String, quoting: Quoting, range: Range<Int>) {
            self.name = name
            self.quoting = quoting
            self.range = range
        }
    }

    /// A backslash command line such as `\x on` or `\i setup.sql`.
    public struct MetaCommand: Sendable, Hashable {
        /// The command without its backslash: `x`, `timing`, `i`, `?`.
        public var name: String
        /// The rest of the line, trimmed.
        public var arguments: String
        /// The whole line as typed, without the line break.
        public var text: String
        /// 1-based line in the whole input.
        public var line: Int

        public init(name: String, arguments: String, text: String, line: Int) {
            self.name = name
            self.arguments = arguments
            self.text = text
            self.line = line
        }
    }

    public enum Item: Sendable, Hashable {
        case statement(Statement)
        case metaCommand(MetaCommand)
    }

    /// What kind of input is unfinished; a REPL shows it in its continuation prompt, as psql's
    /// `=>`, `->`, `'>`, `">`, `*>` and `(>`.
    public enum Continuation: Sendable, Hashable {
        /// Nothing is pending.
        case none
        /// A statement has started but has no `;` yet.
        case statement
        /// Inside a string literal.
        case singleQuote
        /// Inside a quoted identifier.
        case doubleQuote
        /// Inside a `/* … */` comment.
        case blockComment
        /// Inside unclosed parentheses.
        case parenthesis
    }

    private enum Mode: Sendable, Hashable {
        /// Between statements.
        case idle
        case statement
        case singleQuoted(backslashEscapes: Bool)
        case doubleQuoted
        /// A `--` comment; `inStatement` is false when it precedes any statement and is dropped.
        case lineComment(inStatement: Bool)
        case blockComment(depth: Int)
        /// A backslash command line; collected up to the end of the line.
        case metaCommand(start: Int, line: Int)
    }

    /// Unconsumed input in Unicode scalars: the pending statement (from `statementStart`) and
    /// whatever follows it.
    private var buffer: [Unicode.Scalar] = []
    /// Next scalar of `buffer` to look at.
    private var position = 0
    private var mode: Mode = .idle
    /// Index in `buffer` where the pending statement starts; nil between statements.
    private var statementStart: Int?
    private var statementLine = 1
    /// Whether the pending statement has a token other than comments; comment-only statements
    /// are dropped.
    private var statementIsSignificant = false
    private var parenthesisDepth = 0
    private var variableReferences: [VariableReference] = []
    /// Line number at `position`.
    private var line: Int
    /// Only blanks have been seen since the last line break (so a backslash starts a meta-command).
    private var atLineStart = true
    /// Index in `buffer` of the first scalar of the current line.
    private var lineStart = 0

    /// - Parameter firstLine: the line number of the first line of input (1 for a file).
    public init(firstLine: Int = 1) {
        self.line = firstLine
    }

    /// The line number the next input starts on (advances with every line break fed).
    public var currentLine: Int { line }

    /// Whether some input is waiting for more (an unterminated statement or meta-command line).
    public var hasPendingInput: Bool {
        if case .idle = mode { return statementStart != nil || position < buffer.count }
        return true
    }

    /// What kind of input is unfinished, for the continuation prompt.
    public var continuation: Continuation {
        switch mode {
        case .singleQuoted: return .singleQuote
        case .doubleQuoted: return .doubleQuote
        case .blockComment: return .blockComment
        case .idle, .lineComment(inStatement: false), .metaCommand: return statementStart == nil ? .none : pendingStatementContinuation
        case .statement, .lineComment(inStatement: true): return pendingStatementContinuation
        }
    }

    private var pendingStatementContinuation: Continuation {
        parenthesisDepth > 0 ? .parenthesis : .statement
    }

    /// Feeds more input (any amount: a line with or without its line break, a chunk, a whole
    /// file) and returns the statements and meta-commands it completed, in order.
    public mutating func feed(_ text: String) -> [Item] {
        buffer.append(contentsOf: text.unicodeScalars)
        var items: [Item] = []
        scan(endOfInput: false, into: &items)
        compact()
        return items
    }

    /// Ends the input: returns what is still pending as final items (a statement without its
    /// `;` still runs, as psql runs it at the end of a file) and resets the splitter.
    public mutating func finish() -> [Item] {
        var items: [Item] = []
        scan(endOfInput: true, into: &items)
        if case let .metaCommand(start, metaLine) = mode {
            items.append(.metaCommand(makeMetaCommand(buffer[start..<buffer.count], line: metaLine)))
            buffer.removeSubrange(start..<buffer.count)
            position = start
            mode = statementStart == nil ? .idle : .statement
        }
        if let statement = takeStatement(through: buffer.count) {
            items.append(.statement(statement))
        }
        discardPendingInput()
        return items
    }

    /// Forgets all pending input (Ctrl-C at the prompt, psql's `\r`). Line counting goes on.
    public mutating func discardPendingInput() {
        buffer.removeAll()
        position = 0
        mode = .idle
        statementStart = nil
        statementIsSignificant = false
        parenthesisDepth = 0
        variableReferences = []
        atLineStart = true
        lineStart = 0
    }

    // MARK: - Scanning

    private mutating func scan(endOfInput: Bool, into items: inout [Item]) {
        while position < buffer.count {
            let c = buffer[position]
            let next: Unicode.Scalar? = position + 1 < buffer.count ? buffer[position + 1] : nil
            // One scalar of look-ahead decides most tokens; without it, wait for more input.
            let canLookAhead = next != nil || endOfInput

            switch mode {
            case .idle, .statement:
                if !scanCode(c, next: next, canLookAhead: canLookAhead, endOfInput: endOfInput, into: &items) { return }

            case let .singleQuoted(backslashEscapes):
                if backslashEscapes && c == "\\" {
                    guard canLookAhead else { return }
                    advance(over: next == nil ? 1 : 2)
                } else if c == "'" {
                    guard canLookAhead else { return }
                    if next == "'" {
                        advance(over: 2)
                    } else {
                        advance(over: 1)
                        mode = .statement
                    }
                } else {
                    advance(over: 1)
                }

            case .doubleQuoted:
                if c == "\"" {
                    guard canLookAhead else { return }
                    if next == "\"" {
                        advance(over: 2)
                    } else {
                        advance(over: 1)
                        mode = .statement
                    }
                } else {
                    advance(over: 1)
                }

            case let .lineComment(inStatement):
                advance(over: 1)
                if c == "\n" { mode = inStatement ? .statement : .idle }

            case let .blockComment(depth):
                if c == "*" || c == "/" {
                    guard canLookAhead else { return }
                    if c == "*" && next == "/" {
                        advance(over: 2)
                        mode = depth > 1 ? .blockComment(depth: depth - 1) : .statement
                    } else if c == "/" && next == "*" {
                        advance(over: 2)
                        mode = .blockComment(depth: depth + 1)
                    } else {
                        advance(over: 1)
                    }
                } else {
                    advance(over: 1)
                }

            case let .metaCommand(start, metaLine):
                if c == "\n" {
                    var end = position
                    if end > start && buffer[end - 1] == "\r" { end -= 1 }
                    items.append(.metaCommand(makeMetaCommand(buffer[start..<end], line: metaLine)))
                    // The command line is not part of any statement: cut it out of the buffer.
                    let cutStart = statementStart == nil ? start : lineStart
                    buffer.removeSubrange(cutStart...position)
                    position = cutStart
                    line += 1
                    atLineStart = true
                    lineStart = position
                    mode = statementStart == nil ? .idle : .statement
                } else {
                    position += 1
                }
            }
        }
    }

    /// Scans one scalar of SQL outside literals and comments. Returns false to wait for more input.
    private mutating func scanCode(
        _ c: Unicode.Scalar, next: Unicode.Scalar?, canLookAhead: Bool, endOfInput: Bool, into items: inout [Item]
    ) -> Bool {
        if c.properties.isWhitespace {
            advance(over: 1)
            return true
        }
        if atLineStart && c == "\\" {
            mode = .metaCommand(start: position, line: line)
            atLineStart = false
            position += 1
            return true
        }
        switch c {
        case "-":
            guard canLookAhead else { return false }
            if next == "-" {
                mode = .lineComment(inStatement: statementStart != nil)
                advance(over: 2)
                return true
            }
        case "/":
            guard canLookAhead else { return false }
            if next == "*" {
                startStatementIfNeeded()
                mode = .blockComment(depth: 1)
                advance(over: 2)
                return true
            }
        case ";":
            if statementStart == nil {
                advance(over: 1)
            } else {
                advance(over: 1)
                if let statement = takeStatement(through: position) { items.append(.statement(statement)) }
            }
            return true
        case "'":
            startStatementIfNeeded(significant: true)
            mode = .singleQuoted(backslashEscapes: false)
            advance(over: 1)
            return true
        case "\"":
            startStatementIfNeeded(significant: true)
            mode = .doubleQuoted
            advance(over: 1)
            return true
        case "e", "E":
            guard canLookAhead else { return false }
            let previous: Unicode.Scalar? = position > 0 ? buffer[position - 1] : nil
            if next == "'", !(previous.map(Self.isIdentifierScalar) ?? false) {
                startStatementIfNeeded(significant: true)
                mode = .singleQuoted(backslashEscapes: true)
                advance(over: 2)
                return true
            }
        case "(":
            parenthesisDepth += 1
        case ")":
            parenthesisDepth = max(0, parenthesisDepth - 1)
        case ":":
            guard canLookAhead else { return false }
            if next == ":" {
                startStatementIfNeeded(significant: true)
                advance(over: 2)
                return true
            }
            switch scanVariableReference(endOfInput: endOfInput) {
            case .needMoreInput:
                return false
            case let .reference(name, quoting, length):
                startStatementIfNeeded(significant: true)
                let offset = position - (statementStart ?? position)
                variableReferences.append(VariableReference(name: name, quoting: quoting, range: offset..<(offset + length)))
                advance(over: length)
                return true
            case .none:
                break
            }
        default:
            break
        }
        startStatementIfNeeded(significant: true)
        advance(over: 1)
        return true
    }

    private enum VariableScan {
        case needMoreInput
        case none
        case reference(name: String, quoting: VariableReference.Quoting, length: Int)
    }

    /// Looks at `:name`, `:'name'` or `:"name"` starting at `position` (which holds the colon).
    private func scanVariableReference(endOfInput: Bool) -> VariableScan {
        var index = position + 1
        guard index < buffer.count else { return endOfInput ? .none : .needMoreInput }
        var quote: Unicode.Scalar?
        if buffer[index] == "'" || buffer[index] == "\"" {
            quote = buffer[index]
            index += 1
        }
        let nameStart = index
        while index < buffer.count, Self.isVariableNameScalar(buffer[index]) { index += 1 }
        if index == buffer.count && !endOfInput { return .needMoreInput }
        let name = String(String.UnicodeScalarView(buffer[nameStart..<index]))
        guard !name.isEmpty else { return .none }
        if let quote {
            guard index < buffer.count, buffer[index] == quote else { return .none }
            return .reference(name: name, quoting: quote == "'" ? .literal : .identifier, length: index + 1 - position)
        }
        return .reference(name: name, quoting: .none, length: index - position)
    }

    private static func isVariableNameScalar(_ c: Unicode.Scalar) -> Bool {
        (c.isASCII && (c.properties.isAlphabetic || ("0"..."9").contains(c) || c == "_")) || (!c.isASCII && c.properties.isAlphabetic)
    }

    private static func isIdentifierScalar(_ c: Unicode.Scalar) -> Bool {
        c.properties.isAlphabetic || ("0"..."9").contains(c) || c == "_" || c == "$"
    }

    /// Moves past `count` scalars, counting lines.
    private mutating func advance(over count: Int) {
        for _ in 0..<count where position < buffer.count {
            let c = buffer[position]
            position += 1
            if c == "\n" {
                line += 1
                atLineStart = true
                lineStart = position
            } else if !c.properties.isWhitespace {
                atLineStart = false
            }
        }
    }

    private mutating func startStatementIfNeeded(significant: Bool = false) {
        if statementStart == nil {
            statementStart = position
            statementLine = line
            statementIsSignificant = false
        }
        if mode == .idle { mode = .statement }
        if significant { statementIsSignificant = true }
    }

    /// Takes the pending statement `buffer[statementStart..<end]`; nil when it has no tokens.
    private mutating func takeStatement(through end: Int) -> Statement? {
        guard let start = statementStart else { return nil }
        var textEnd = end
        // Trailing blanks (a final line break) are not part of the statement.
        while textEnd > start, buffer[textEnd - 1].properties.isWhitespace { textEnd -= 1 }
        let statement = Statement(
            text: String(String.UnicodeScalarView(buffer[start..<textEnd])),
            line: statementLine,
            variableReferences: variableReferences
        )
        let significant = statementIsSignificant
        buffer.removeSubrange(start..<end)
        position -= end - start
        if lineStart > start { lineStart = max(start, lineStart - (end - start)) }
        statementStart = nil
        statementIsSignificant = false
        parenthesisDepth = 0
        variableReferences = []
        switch mode {
        case .statement: mode = .idle
        case .lineComment: mode = .lineComment(inStatement: false)
        default: break
        }
        return significant ? statement : nil
    }

    private func makeMetaCommand(_ scalars: ArraySlice<Unicode.Scalar>, line: Int) -> MetaCommand {
        let text = String(String.UnicodeScalarView(scalars))
        let trimmed = text.drop(while: { $0.isWhitespace })
        var body = trimmed.dropFirst()  // the backslash
        var name = ""
        if let first = body.first, !first.isLetter {
            // One-character commands such as `\?` and `\!`.
            name = String(first)
            body = body.dropFirst()
        } else {
            let letters = body.prefix(while: { $0.isLetter || $0.isNumber || $0 == "_" })
            name = String(letters)
            body = body.dropFirst(letters.count)
        }
        let arguments = String(body).trimmingWhitespace()
        var lineText = String(trimmed)
        while lineText.last?.isWhitespace == true { lineText.removeLast() }
        return MetaCommand(name: name, arguments: arguments, text: lineText, line: line)
    }

    /// Drops consumed input that no pending item needs any more.
    private mutating func compact() {
        var keepFrom = position
        if let start = statementStart { keepFrom = min(keepFrom, start) }
        if case let .metaCommand(start, _) = mode { keepFrom = min(keepFrom, start, statementStart == nil ? start : lineStart) }
        if statementStart != nil { keepFrom = min(keepFrom, lineStart) }
        guard keepFrom > 0 else { return }
        buffer.removeSubrange(0..<keepFrom)
        position -= keepFrom
        if let start = statementStart { statementStart = start - keepFrom }
        if case let .metaCommand(start, metaLine) = mode { mode = .metaCommand(start: start - keepFrom, line: metaLine) }
        lineStart = max(0, lineStart - keepFrom)
    }
}

extension String {
    fileprivate func trimmingWhitespace() -> String {
        var scalars = Substring(self)
        while scalars.first?.isWhitespace == true { scalars.removeFirst() }
        while scalars.last?.isWhitespace == true { scalars.removeLast() }
        return String(scalars)
    }
}
