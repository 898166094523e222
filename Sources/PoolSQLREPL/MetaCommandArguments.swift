/// Splits a meta-command's argument text the way psql does: words separated by blanks,
/// `'single quoted'` words (with `''` and `\n`, `\t`, `\\`, `\'` escapes), and `:name`,
/// `:'name'`, `:"name"` replaced by variable values.
struct MetaCommandArguments {
    static func split(_ text: String, variables: [String: String]) -> [String] {
        var words: [String] = []
        var current = ""
        var inWord = false
        let scalars = Array(text.unicodeScalars)
        var index = 0

        func append(_ string: String) {
            current += string
            inWord = true
        }

        while index < scalars.count {
            let c = scalars[index]
            if c.properties.isWhitespace {
                if inWord { words.append(current) }
                current = ""
                inWord = false
                index += 1
                continue
            }
            if c == "'" {
                inWord = true
                index += 1
                while index < scalars.count {
                    let q = scalars[index]
                    if q == "'" {
                        if index + 1 < scalars.count, scalars[index + 1] == "'" {
                            current += "'"
                            index += 2
                            continue
                        }
                        index += 1
                        break
                    }
                    if q == "\\", index + 1 < scalars.count {
                        let escaped = scalars[index + 1]
                        switch escaped {
                        case "n": current += "\n"
                        case "t": current += "\t"
                        case "r": current += "\r"
                        default: current.unicodeScalars.append(escaped)
                        }
                        index += 2
                        continue
                    }
                    current.unicodeScalars.append(q)
                    index += 1
                }
                continue
            }
            if c == ":", let (value, length) = variable(at: index, in: scalars, variables: variables) {
                append(value)
                index += length
                continue
            }
            current.unicodeScalars.append(c)
            inWord = true
            index += 1
        }
        if inWord { words.append(current) }
        return words
    }

    /// `:name` → value, `:'name'` → quoted literal, `:"name"` → quoted identifier; nil when
    /// there is no reference or the variable is not set (the text then stays as typed).
    private static func variable(at index: Int, in scalars: [Unicode.Scalar], variables: [String: String]) -> (String, Int)? {
        var cursor = index + 1
        guard cursor < scalars.count else { return nil }
        var quote: Unicode.Scalar?
        if scalars[cursor] == "'" || scalars[cursor] == "\"" {
            quote = scalars[cursor]
            cursor += 1
        }
        let nameStart = cursor
        while cursor < scalars.count, VariableName.isNameScalar(scalars[cursor]) { cursor += 1 }
        guard cursor > nameStart else { return nil }
        let name = String(String.UnicodeScalarView(scalars[nameStart..<cursor]))
        guard let value = variables[name] else { return nil }
        if let quote {
            guard cursor < scalars.count, scalars[cursor] == quote else { return nil }
            cursor += 1
            return (quote == "'" ? VariableName.literal(value) : VariableName.identifier(value), cursor - index)
        }
        return (value, cursor - index)
    }
}

/// Rules for psql-style variable names and quoting of their values.
enum VariableName {
    static func isNameScalar(_ c: Unicode.Scalar) -> Bool {
        (c.isASCII && (c.properties.isAlphabetic || ("0"..."9").contains(c) || c == "_")) || (!c.isASCII && c.properties.isAlphabetic)
    }

    static func isValid(_ name: String) -> Bool {
        !name.isEmpty && name.unicodeScalars.allSatisfy(isNameScalar)
    }

    /// The value as a SQL string literal: `it's` → `'it''s'`.
    static func literal(_ value: String) -> String {
        "'" + value.replacingOccurrences(of: "'", with: "''") + "'"
    }

    /// The value as a quoted identifier: `a"b` → `"a""b"`.
    static func identifier(_ value: String) -> String {
        "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
