import PoolSQL
import PoolSQLCore

/// psql's default `aligned` table (border 1): centered headers, a `-+-` rule, numbers
/// right-aligned, other values left-aligned, `+` at the end of a line that continues a
/// multi-line value, then `(N rows)` and an empty line.
public struct AlignedFormatter: Sendable {
    public init() {}

    public func format(columns: [ResultColumn], rows: [[Value]]) -> String {
        let headers = columns.map { $0.name.cellLines }
        let rightAligned = columns.map { $0.type.isNumeric }
        let cells: [[[String]]] = rows.map { row in
            columns.indices.map { index in (index < row.count ? row[index].description : "").cellLines }
        }
        var widths = headers.map { lines in lines.map(\.displayWidth).max() ?? 0 }
        for row in cells {
            for (index, lines) in row.enumerated() {
                widths[index] = max(widths[index], lines.map(\.displayWidth).max() ?? 0)
            }
        }

        var out = ""
        if columns.isEmpty {
            // psql prints a bare rule for a result without columns (`SELECT;`).
            out += "--\n"
        } else {
            out += headerLines(headers, widths: widths)
            out += widths.map { String(repeating: "-", count: $0 + 2) }.joined(separator: "+") + "\n"
            for row in cells {
                out += rowLines(row, widths: widths, rightAligned: rightAligned)
            }
        }
        out += Self.rowCountFooter(rows.count) + "\n\n"
        return out
    }

    /// `(1 row)`, `(3 rows)`.
    public static func rowCountFooter(_ count: Int) -> String {
        count == 1 ? "(1 row)" : "(\(count) rows)"
    }

    private func headerLines(_ headers: [[String]], widths: [Int]) -> String {
        let height = headers.map(\.count).max() ?? 1
        var out = ""
        for lineIndex in 0..<height {
            var line = ""
            for (index, lines) in headers.enumerated() {
                let width = widths[index]
                line += " "
                if lineIndex < lines.count {
                    let text = lines[lineIndex]
                    let spare = max(0, width - text.displayWidth)
                    line += String(repeating: " ", count: spare / 2) + text + String(repeating: " ", count: (spare + 1) / 2)
                    line += lineIndex + 1 < lines.count ? "+" : " "
                } else {
                    line += String(repeating: " ", count: width) + " "
                }
                if index < headers.count - 1 { line += "|" }
            }
            out += line + "\n"
        }
        return out
    }

    private func rowLines(_ row: [[String]], widths: [Int], rightAligned: [Bool]) -> String {
        let height = row.map(\.count).max() ?? 1
        let last = row.count - 1
        var out = ""
        for lineIndex in 0..<height {
            var line = ""
            for (index, lines) in row.enumerated() {
                let width = widths[index]
                let isLast = index == last
                line += " "
                if lineIndex < lines.count {
                    let text = lines[lineIndex]
                    let continues = lineIndex + 1 < lines.count
                    if rightAligned[index] {
                        line += text.leftPadded(toWidth: width)
                    } else if !isLast || continues {
                        line += text.padded(toWidth: width)
                    } else {
                        line += text
                    }
                    if continues {
                        line += "+"
                    } else if !isLast {
                        line += " "
                    }
                } else if !isLast {
                    line += String(repeating: " ", count: width) + " "
                }
                if !isLast { line += "|" }
            }
            out += line + "\n"
        }
        return out
    }
}
