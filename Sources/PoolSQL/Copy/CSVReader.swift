import PoolSQLCore

/// Reads CSV as RFC 4180 and PostgreSQL's `COPY … (FORMAT csv)` do: fields separated by a
/// delimiter, records by LF or CRLF; a field in double quotes may hold delimiters, line breaks
/// and doubled quotes (`""`). Works on UTF-8 bytes: the delimiter, quote and line breaks are
/// ASCII, so they never occur inside a multi-byte character.
struct CSVReader {
    let delimiter: UInt8
    let quote = UInt8(ascii: "\"")

    init(delimiter: Unicode.Scalar) {
        self.delimiter = UInt8(truncatingIfNeeded: delimiter.value)
    }

    /// Every record of `text`. A line break right before the end of the text ends the last
    /// record (it does not start an empty one).
    func records(_ text: String) throws(PoolSQLError) -> [CSVRecord] {
        var text = text
        let result = text.withUTF8 { bytes -> Result<[CSVRecord], PoolSQLError> in
            do throws(PoolSQLError) { return .success(try records(bytes)) } catch { return .failure(error) }
        }
        return try result.get()
    }

    private func records(_ bytes: UnsafeBufferPointer<UInt8>) throws(PoolSQLError) -> [CSVRecord] {
        let newline = UInt8(ascii: "\n"), carriageReturn = UInt8(ascii: "\r")
        var records: [CSVRecord] = []
        var fields: [CSVRecord.Field] = []
        var field: [UInt8] = []
        var quoted = false, fieldStarted = false
        var line = 1, recordLine = 1
        var i = 0

        func endField() {
            fields.append(.init(text: String(decoding: field, as: UTF8.self), quoted: quoted))
            field.removeAll(keepingCapacity: true)
            quoted = false
            fieldStarted = false
        }

        while i < bytes.count {
            let c = bytes[i]
            if c == quote && !fieldStarted {
                // A quoted field: read to the closing quote.
                quoted = true
                fieldStarted = true
                let openedOn = line
                i += 1
                var closed = false
                while i < bytes.count {
                    let q = bytes[i]
                    if q == quote {
                        if i + 1 < bytes.count, bytes[i + 1] == quote {
                            field.append(quote)
                            i += 2
                            continue
                        }
                        closed = true
                        i += 1
                        break
                    }
                    if q == newline { line += 1 }
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
            if c == newline || c == carriageReturn {
                endField()
                records.append(CSVRecord(fields: fields, line: recordLine))
                fields.removeAll(keepingCapacity: true)
                i += (c == carriageReturn && i + 1 < bytes.count && bytes[i + 1] == newline) ? 2 : 1
                line += 1
                recordLine = line
                continue
            }
            field.append(c)
            fieldStarted = true
            i += 1
        }
        if fieldStarted || !fields.isEmpty {
            endField()
            records.append(CSVRecord(fields: fields, line: recordLine))
        }
        return records
    }
}
