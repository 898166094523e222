import PoolSQLCore

/// Reads CSV as RFC 4180 and PostgreSQL's `COPY … (FORMAT csv)` do: fields separated by a
/// delimiter, records by LF or CRLF; a field in double quotes may hold delimiters, line breaks
/// and doubled quotes (`""`).
struct CSVReader {
    let delimiter: Unicode.Scalar
    let quote: Unicode.Scalar = "\""

    /// Every record of `text`. A line break right before the end of the text ends the last
    /// record (it does not start an empty one).
    func records(_ text: String) throws(PoolSQLError) -> [CSVRecord] {
        let scalars = Array(text.unicodeScalars)
        var records: [CSVRecord] = []
        var fields: [CSVRecord.Field] = []
        var field = String.UnicodeScalarView()
        var quoted = false
        var line = 1, recordLine = 1
        var i = 0

        func endField() {
            fields.append(.init(text: String(field), quoted: quoted))
            field = String.UnicodeScalarView()
            quoted = false
        }

        while i < scalars.count {
            let c = scalars[i]
            if c == quote && field.isEmpty && !quoted {
                // A quoted field: read to the closing quote.
                quoted = true
                let openedOn = line
                i += 1
                var closed = false
                while i < scalars.count {
                    let q = scalars[i]
                    if q == quote {
                        if i + 1 < scalars.count, scalars[i + 1] == quote {
                            field.append(quote)
                            i += 2
                            continue
                        }
                        closed = true
                        i += 1
                        break
                    }
                    if q == "\n" { line += 1 }
                    field.append(q)
                    i += 1
                }
                guard closed else {
                    throw PoolSQLError(.badCopyFileFormat, "unterminated CSV quoted field", detail: "line \(openedOn)")
                }
                continue
            }
            if c == delimiter {
                endField()
                i += 1
                continue
            }
            if c == "\n" || c == "\r" {
                endField()
                records.append(CSVRecord(fields: fields, line: recordLine))
                fields = []
                i += (c == "\r" && i + 1 < scalars.count && scalars[i + 1] == "\n") ? 2 : 1
                line += 1
                recordLine = line
                continue
            }
            field.append(c)
            i += 1
        }
        if !field.isEmpty || quoted || !fields.isEmpty {
            endField()
            records.append(CSVRecord(fields: fields, line: recordLine))
        }
        return records
    }
}
