import Foundation
import PoolSQLCore
import PoolSQLSyntax

extension ScalarFunction {
    /// Math, text, array and date/time functions bound by `bindLibraryFunction`, plus the
    /// numeric variants of `sqrt` and `power`. Strict functions get non-NULL arguments only.
    /// Returns nil for the functions evaluated elsewhere.
    func invokeLibrary(_ values: [Value], type: DataType, context: ExecutionContext) throws(PoolSQLError) -> Value? {
        if let result = try invokeMath(values, type: type) { return result }
        if let result = try invokeText(values) { return result }
        if let result = try invokeArray(values) { return result }
        return try invokeDateTime(values, type: type, context: context)
    }

    // MARK: Math

    func invokeMath(_ values: [Value], type: DataType) throws(PoolSQLError) -> Value? {
        switch (self, values.first) {
        case let (.sqrt, .numeric(n)?):
            return .numeric(try n.squareRoot())
        case let (.power, .numeric(base)?):
            guard case let .numeric(exponent) = values[1] else { return nil }
            return .numeric(try SQLNumeric.power(base, exponent))
        case let (.sign, .double(d)?):
            return .double(d > 0 ? 1 : d < 0 ? -1 : 0)
        case let (.sign, .numeric(n)?):
            return .numeric(SQLNumeric(n.value > 0 ? 1 : n.value < 0 ? -1 : 0))
        case let (.ln, .numeric(n)?):
            return .numeric(try n.naturalLogarithm())
        case let (.ln, .double(d)?):
            return .double(try ScalarFunction.logarithm(d, Foundation.log))
        case let (.log, .numeric(n)?), let (.log10, .numeric(n)?):
            if values.count == 2, case let .numeric(x) = values[1] { return .numeric(try SQLNumeric.logarithm(base: n, x)) }
            return .numeric(try SQLNumeric.logarithm(base: SQLNumeric(10), n))
        case let (.log, .double(d)?), let (.log10, .double(d)?):
            return .double(try ScalarFunction.logarithm(d, Foundation.log10))
        case let (.exp, .numeric(n)?):
            return .numeric(try n.exponential())
        case let (.exp, .double(d)?):
            let r = Foundation.exp(d)
            if r.isInfinite && d.isFinite { throw PoolSQLError(.numericValueOutOfRange, "value out of range: overflow") }
            if r == 0 && d.isFinite { throw PoolSQLError(.numericValueOutOfRange, "value out of range: underflow") }
            return .double(r)
        case (.pi, _):
            return .double(Double.pi)
        case let (.degrees, .double(d)?):
            return .double(d * (180.0 / Double.pi))
        case let (.radians, .double(d)?):
            return .double(d * (Double.pi / 180.0))
        case let (.cbrt, .double(d)?):
            return .double(Foundation.cbrt(d))
        case let (.div, .numeric(a)?):
            guard case let .numeric(b) = values[1] else { return nil }
            if b.value.isZero { throw PoolSQLError(.divisionByZero, "division by zero") }
            var quotient = a.value / b.value, truncated = Decimal()
            NSDecimalRound(&truncated, &quotient, 0, quotient < 0 ? .up : .down)
            return .numeric(SQLNumeric(truncated, scale: 0))
        default:
            return nil
        }
    }

    static func logarithm(_ x: Double, _ f: (Double) -> Double) throws(PoolSQLError) -> Double {
        if x == 0 { throw PoolSQLError(SQLState("2201E"), "cannot take logarithm of zero") }
        if x < 0 { throw PoolSQLError(SQLState("2201E"), "cannot take logarithm of a negative number") }
        return f(x)
    }

    // MARK: Text

    func invokeText(_ values: [Value]) throws(PoolSQLError) -> Value? {
        switch self {
        case .rowText:
            // Record output: NULL is empty; text with separators, quotes or spaces is quoted.
            return .text("(" + values.map { v -> String in
                if v.isNull { return "" }
                let s = ScalarFunction.text(v)
                let needsQuotes = s.isEmpty || s.contains(where: { "(),\"\\ ".contains($0) })
                if !needsQuotes { return s }
                return "\"" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\"\"") + "\""
            }.joined(separator: ",") + ")")
        case .concatWs:
            guard case let .text(separator) = values[0] else { return .null }
            return .text(values.dropFirst().filter { !$0.isNull }.map(ScalarFunction.text).joined(separator: separator))
        case .lpad, .rpad:
            guard case let .text(s) = values[0], case let .int(length) = values[1] else { return nil }
            var fill = " "
            if values.count > 2, case let .text(f) = values[2] { fill = f }
            return .text(ScalarFunction.pad(s, to: length, with: fill, left: self == .lpad))
        case .format:
            guard case let .text(template) = values[0] else { return .null }
            return .text(try ScalarFunction.format(template, Array(values.dropFirst())))
        case .repeat:
            guard case let .text(s) = values[0], case let .int(n) = values[1] else { return nil }
            guard n > 0 else { return .text("") }
            let total = Int64(s.utf8.count).multipliedReportingOverflow(by: n)
            guard !total.overflow, total.partialValue <= 1_073_741_823 else {
                throw PoolSQLError(.programLimitExceeded, "requested length too large")
            }
            return .text(String(repeating: s, count: Int(n)))
        case .reverse:
            guard case let .text(s) = values[0] else { return nil }
            return .text(String(String.UnicodeScalarView(s.unicodeScalars.reversed())))
        case .initcap:
            guard case let .text(s) = values[0] else { return nil }
            return .text(ScalarFunction.initcap(s))
        case .similarToEscape:
            guard case let .text(pattern) = values[0] else { return nil }
            var escape: Character? = "\\"
            if values.count > 1, case let .text(e) = values[1] {
                guard e.count <= 1 else {
                    throw PoolSQLError(.invalidEscapeSequence, "invalid escape string", hint: "Escape string must be empty or one character.")
                }
                escape = e.first
            }
            return .text(ScalarFunction.similarToRegex(pattern, escape: escape))
        case .translate:
            guard case let .text(s) = values[0], case let .text(from) = values[1], case let .text(to) = values[2] else { return nil }
            let fromChars = Array(from.unicodeScalars), toChars = Array(to.unicodeScalars)
            var out = String.UnicodeScalarView()
            for c in s.unicodeScalars {
                if let i = fromChars.firstIndex(of: c) {
                    if i < toChars.count { out.append(toChars[i]) }
                } else {
                    out.append(c)
                }
            }
            return .text(String(out))
        case .ascii:
            guard case let .text(s) = values[0] else { return nil }
            return .int(Int64(s.unicodeScalars.first?.value ?? 0))
        case .chr:
            guard case let .int(code) = values[0] else { return nil }
            if code == 0 { throw PoolSQLError(SQLState("54000"), "null character not permitted") }
            guard code > 0, code <= 0x10FFFF, let scalar = Unicode.Scalar(UInt32(code)) else {
                throw PoolSQLError(SQLState("54000"), "requested character too large for encoding: \(code)")
            }
            return .text(String(Character(scalar)))
        case .octetLength:
            guard case let .text(s) = values[0] else { return nil }
            return .int(Int64(s.utf8.count))
        case .quoteIdent:
            guard case let .text(s) = values[0] else { return nil }
            return .text(ScalarFunction.quoteIdentifier(s))
        case .quoteLiteral:
            return .text(ScalarFunction.quoteLiteral(ScalarFunction.text(values[0])))
        case .quoteNullable:
            return .text(values[0].isNull ? "NULL" : ScalarFunction.quoteLiteral(ScalarFunction.text(values[0])))
        case .regexpReplace:
            guard case let .text(s) = values[0], case let .text(pattern) = values[1], case let .text(replacement) = values[2] else { return nil }
            var flags = ""
            if values.count > 3, case let .text(f) = values[3] { flags = f }
            return .text(try ScalarFunction.regexpReplace(s, pattern, replacement, flags: flags))
        case .regexpMatch:
            guard case let .text(s) = values[0], case let .text(pattern) = values[1] else { return nil }
            var flags = ""
            if values.count > 2, case let .text(f) = values[2] { flags = f }
            guard let groups = try ScalarFunction.firstMatch(s, pattern, flags: flags) else { return .null }
            return .array(groups.count > 1 ? groups.dropFirst().map { $0.map(Value.text) ?? .null } : [groups[0].map(Value.text) ?? .null])
        case .regexSubstring:
            guard case let .text(s) = values[0], case let .text(pattern) = values[1] else { return nil }
            guard let groups = try ScalarFunction.firstMatch(s, pattern, flags: "") else { return .null }
            // With a parenthesised part, the text that part matched.
            let chosen = groups.count > 1 ? groups[1] : groups[0]
            return chosen.map(Value.text) ?? .null
        case .stringToArray:
            guard case let .text(s) = values[0] else { return .null }
            var nullString: String?
            if values.count > 2, case let .text(n) = values[2] { nullString = n }
            if s.isEmpty { return .array([]) }
            let parts: [String]
            switch values[1] {
            case let .text(delimiter) where delimiter.isEmpty: parts = [s]
            case let .text(delimiter): parts = s.components(separatedBy: delimiter)
            default: parts = s.unicodeScalars.map { String($0) }
            }
            return .array(parts.map { $0 == nullString ? .null : .text($0) })
        case .arrayToString:
            guard case let .array(elements) = values[0], case let .text(delimiter) = values[1] else { return .null }
            var nullString: String?
            if values.count > 2, case let .text(n) = values[2] { nullString = n }
            let parts = elements.compactMap { e -> String? in e.isNull ? nullString : ScalarFunction.text(e) }
            return .text(parts.joined(separator: delimiter))
        default:
            return nil
        }
    }

    /// SQL's SIMILAR TO pattern as an anchored regular expression: `%` is `.*`, `_` is `.`,
    /// the escape character quotes the next one, `.`, `^`, `$` and `\` are literal; `|`, `*`,
    /// `+`, `?`, `{}`, `()` and `[]` keep their regular-expression meaning.
    static func similarToRegex(_ pattern: String, escape: Character?) -> String {
        var out = "^(?:"
        var escaped = false
        var inBrackets = false
        for c in pattern {
            if escaped {
                out += NSRegularExpression.escapedPattern(for: String(c))
                escaped = false
                continue
            }
            if let escape, c == escape { escaped = true; continue }
            if inBrackets {
                if c == "]" { inBrackets = false }
                out.append(c)
                continue
            }
            switch c {
            case "%": out += ".*"
            case "_": out += "."
            case "[": inBrackets = true; out.append(c)
            case ".", "^", "$", "\\": out += "\\" + String(c)
            default: out.append(c)
            }
        }
        return out + ")$"
    }

    /// A value as text, the way functions that take "any" arguments show it.
    static func text(_ v: Value) -> String {
        if case let .text(s) = v { return s }
        return v.description
    }

    static func pad(_ s: String, to length: Int64, with fill: String, left: Bool) -> String {
        let chars = Array(s.unicodeScalars)
        guard length > 0 else { return "" }
        let target = Int(Swift.min(length, 10_000_000))
        if chars.count >= target { return String(String.UnicodeScalarView(chars.prefix(target))) }
        let fillChars = Array(fill.unicodeScalars)
        if fillChars.isEmpty { return s }
        var padding = String.UnicodeScalarView()
        for i in 0..<(target - chars.count) { padding.append(fillChars[i % fillChars.count]) }
        return left ? String(padding) + s : s + String(padding)
    }

    /// Upper-case the first letter of each run of letters and digits, lower-case the rest.
    static func initcap(_ s: String) -> String {
        var out = String.UnicodeScalarView()
        var inWord = false
        for scalar in s.unicodeScalars {
            let isAlnum = scalar.properties.isAlphabetic || scalar.properties.numericType != nil
            let mapped = inWord ? mapCase(String(scalar), upper: false) : mapCase(String(scalar), upper: true)
            out.append(contentsOf: mapped.unicodeScalars)
            inWord = isAlnum
        }
        return String(out)
    }

    /// `quote_ident`: double-quoted unless it is a plain lower-case name and no reserved word.
    static func quoteIdentifier(_ s: String) -> String {
        var plain = !s.isEmpty
        for (i, c) in s.unicodeScalars.enumerated() {
            let ok = ("a"..."z").contains(c) || c == "_" || (i > 0 && (("0"..."9").contains(c) || c == "$"))
            if !ok { plain = false; break }
        }
        if plain, let keyword = Keyword(word: s), keyword.isReserved { plain = false }
        return plain ? s : "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// `quote_literal`: `'it''s'`; with backslashes, an `E'…'` string with them doubled.
    static func quoteLiteral(_ s: String) -> String {
        let quoted = s.replacingOccurrences(of: "'", with: "''")
        if s.contains("\\") { return "E'" + quoted.replacingOccurrences(of: "\\", with: "\\\\") + "'" }
        return "'" + quoted + "'"
    }

    /// PostgreSQL's `format`: `%s`, `%I`, `%L` and `%%`, with `n$` positions, `-` and widths
    /// (also `*` and `*n$`).
    static func format(_ template: String, _ args: [Value]) throws(PoolSQLError) -> String {
        let chars = Array(template.unicodeScalars)
        var out = String.UnicodeScalarView()
        var i = 0
        var nextArgument = 0
        func invalid(_ message: String) -> PoolSQLError {
            PoolSQLError(.invalidParameterValue, message, hint: message.hasPrefix("unterminated") ? "For a single \"%\" use \"%%\"." : nil)
        }
        func number() -> Int? {
            var n: Int?
            while i < chars.count, ("0"..."9").contains(chars[i]) {
                n = (n ?? 0) * 10 + Int(chars[i].value - 48)
                if n ?? 0 > 1_000_000 { return n }
                i += 1
            }
            return n
        }
        func argument(_ position: Int) throws(PoolSQLError) -> Value {
            guard position >= 0, position < args.count else { throw invalid("too few arguments for format()") }
            return args[position]
        }
        while i < chars.count {
            let c = chars[i]
            i += 1
            guard c == "%" else { out.append(c); continue }
            guard i < chars.count else { throw invalid("unterminated format() type specifier") }
            if chars[i] == "%" { out.append("%"); i += 1; continue }
            // [n$][-][width|*|*n$]type
            var position: Int?
            let save = i
            if let n = number(), i < chars.count, chars[i] == "$" {
                guard n > 0 else { throw invalid("format specifies argument 0, but arguments are numbered from 1") }
                position = n - 1
                i += 1
            } else {
                i = save
            }
            var leftAlign = false
            while i < chars.count, chars[i] == "-" { leftAlign = true; i += 1 }
            var width: Int?
            if i < chars.count, chars[i] == "*" {
                i += 1
                var widthPosition = nextArgument
                let save = i
                if let n = number(), i < chars.count, chars[i] == "$" {
                    widthPosition = n - 1
                    i += 1
                } else {
                    i = save
                    nextArgument += 1
                }
                let w = try argument(widthPosition)
                if case let .int(v) = w {
                    width = Int(Swift.max(-1_000_000, Swift.min(1_000_000, v)))
                } else if case let .text(t) = w, let v = Int(t) {
                    width = Swift.max(-1_000_000, Swift.min(1_000_000, v))
                } else if !w.isNull {
                    throw invalid("width argument must be an integer")
                }
                if let w = width, w < 0 { leftAlign = true; width = -w }
            } else {
                width = number()
            }
            guard i < chars.count else { throw invalid("unterminated format() type specifier") }
            let type = chars[i]
            i += 1
            let index: Int
            if let position { index = position } else { index = nextArgument }
            nextArgument = index + 1
            let value = try argument(index)
            var piece: String
            switch type {
            case "s": piece = value.isNull ? "" : text(value)
            case "I":
                if value.isNull { throw PoolSQLError(SQLState("22004"), "null values cannot be formatted as an SQL identifier") }
                piece = quoteIdentifier(text(value))
            case "L": piece = value.isNull ? "NULL" : quoteLiteral(text(value))
            default:
                throw PoolSQLError(.invalidParameterValue, "unrecognized format() type specifier \"\(Character(type))\"",
                                   hint: "For a single \"%\" use \"%%\".")
            }
            if let width, piece.unicodeScalars.count < width {
                let padding = String(repeating: " ", count: width - piece.unicodeScalars.count)
                piece = leftAlign ? piece + padding : padding + piece
            }
            out.append(contentsOf: piece.unicodeScalars)
        }
        return String(out)
    }

    // MARK: Regular expressions

    static func regex(_ pattern: String, flags: String) throws(PoolSQLError) -> NSRegularExpression {
        var options: NSRegularExpression.Options = []
        for f in flags {
            switch f {
            case "i": options.insert(.caseInsensitive)
            case "g", "c": break
            case "n", "m": options.insert(.anchorsMatchLines)
            case "s": options.insert(.dotMatchesLineSeparators)
            case "x": options.insert(.allowCommentsAndWhitespace)
            default: throw PoolSQLError(.invalidParameterValue, "invalid regular expression option: \"\(f)\"")
            }
        }
        do {
            return try NSRegularExpression(pattern: pattern, options: options)
        } catch {
            throw PoolSQLError(SQLState("2201B"), "invalid regular expression: \(pattern)")
        }
    }

    /// The first match: the whole match, then each group (nil where a group took no part).
    static func firstMatch(_ s: String, _ pattern: String, flags: String) throws(PoolSQLError) -> [String?]? {
        let re = try regex(pattern, flags: flags)
        let ns = s as NSString
        guard let m = re.firstMatch(in: s, range: NSRange(location: 0, length: ns.length)) else { return nil }
        return (0..<m.numberOfRanges).map { i in
            let r = m.range(at: i)
            return r.location == NSNotFound ? nil : ns.substring(with: r)
        }
    }

    /// `regexp_replace`: PostgreSQL's `\1` and `\&` in the replacement; flag `g` replaces all.
    static func regexpReplace(_ s: String, _ pattern: String, _ replacement: String, flags: String) throws(PoolSQLError) -> String {
        let re = try regex(pattern, flags: flags)
        var template = ""
        var chars = replacement.makeIterator()
        while let c = chars.next() {
            switch c {
            case "\\":
                guard let n = chars.next() else { template += "\\\\"; break }
                if n.isASCII, n.isNumber { template += "$" + String(n) } else if n == "&" { template += "$0" } else if n == "\\" {
                    template += "\\\\"
                } else {
                    template += "\\\\" + NSRegularExpression.escapedTemplate(for: String(n))
                }
            case "$": template += "\\$"
            default: template.append(c)
            }
        }
        let ns = s as NSString
        let all = flags.contains("g")
        if all {
            return re.stringByReplacingMatches(in: s, range: NSRange(location: 0, length: ns.length), withTemplate: template)
        }
        guard let m = re.firstMatch(in: s, range: NSRange(location: 0, length: ns.length)) else { return s }
        let replaced = re.replacementString(for: m, in: s, offset: 0, template: template)
        return ns.replacingCharacters(in: m.range, with: replaced)
    }

    // MARK: Arrays

    func invokeArray(_ values: [Value]) throws(PoolSQLError) -> Value? {
        switch self {
        case .arrayLength, .arrayUpper, .arrayLower:
            guard case let .array(elements) = values[0], case let .int(dimension) = values[1] else { return nil }
            // A multidimensional array is an array of equally long arrays: dimension n is the
            // length n - 1 levels down.
            var level = elements
            var remaining = dimension
            while remaining > 1, case let .array(inner)? = level.first {
                level = inner
                remaining -= 1
            }
            guard remaining == 1, dimension >= 1, !level.isEmpty else { return .null }
            return .int(self == .arrayLower ? 1 : Int64(level.count))
        case .cardinality:
            // All elements of all dimensions, as PostgreSQL counts them.
            guard case .array = values[0] else { return nil }
            func count(_ value: Value) -> Int64 {
                guard case let .array(elements) = value else { return 1 }
                return elements.reduce(0) { $0 + count($1) }
            }
            return .int(count(values[0]))
        case .arrayRemove:
            guard case let .array(elements) = values[0] else { return .null }
            return .array(elements.filter { !$0.isNotDistinct(from: values[1]) })
        case .arrayReplace:
            guard case let .array(elements) = values[0] else { return .null }
            return .array(elements.map { $0.isNotDistinct(from: values[1]) ? values[2] : $0 })
        case .arrayPosition:
            guard case let .array(elements) = values[0] else { return .null }
            guard let i = elements.firstIndex(where: { $0.isNotDistinct(from: values[1]) }) else { return .null }
            return .int(Int64(i + 1))
        case .arrayAppend:
            guard case let .array(elements) = values[0] else { return values[0].isNull ? .array([values[1]]) : nil }
            return .array(elements + [values[1]])
        case .arrayPrepend:
            guard case let .array(elements) = values[1] else { return values[1].isNull ? .array([values[0]]) : nil }
            return .array([values[0]] + elements)
        case .arrayCat:
            switch (values[0], values[1]) {
            case let (.array(a), .array(b)): return .array(a + b)
            case (.null, let b): return b
            case (let a, .null): return a
            default: return nil
            }
        case .arraySlice:
            guard case let .array(elements) = values[0], !values[1].isNull, !values[2].isNull else { return .null }
            var low: Int64 = 1, high = Int64(elements.count)
            if case let .int(l) = values[1] { low = Swift.max(l, 1) }
            if case let .int(h) = values[2] { high = Swift.min(h, Int64(elements.count)) }
            guard low <= high else { return .array([]) }
            return .array(Array(elements[Int(low - 1)..<Int(high)]))
        default:
            return nil
        }
    }
}
