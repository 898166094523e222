import PoolSQL
import PoolSQLCore

/// psql's expanded display (`\x`): each record as `name | value` lines under a
/// `-[ RECORD n ]-+----` rule, then an empty line. No row-count footer, except `(0 rows)`.
public struct ExpandedFormatter: Sendable {
    public init() {}

    public func format(columns: [ResultColumn], rows: [[Value]]) -> String {
        if rows.isEmpty { return AlignedFormatter.rowCountFooter(0) + "\n\n" }
        let headers = columns.map(\.name)
        let cells: [[[String]]] = rows.map { row in
            columns.indices.map { index in (index < row.count ? row[index].description : "").cellLines }
        }
        let headerWidth = headers.map(\.displayWidth).max() ?? 0
        var dataWidth = 0
        var multiline = false
        for row in cells {
            for lines in row {
                dataWidth = max(dataWidth, lines.map(\.displayWidth).max() ?? 0)
                if lines.count > 1 { multiline = true }
            }
        }
        // As psql: the data column is widened so the rule is at least as wide as the record
        // header `-[ RECORD n ]`.
        let separatorWidth = multiline ? 4 : 3
        let recordWidth = 12 + String(rows.count).count
        dataWidth = max(headerWidth + separatorWidth + dataWidth, recordWidth) - headerWidth - separatorWidth

        var out = ""
        for (rowIndex, row) in cells.enumerated() {
            out += recordRule(record: rowIndex + 1, headerWidth: headerWidth, dataWidth: dataWidth)
            for (columnIndex, lines) in row.enumerated() {
                for (lineIndex, text) in lines.enumerated() {
                    let name = lineIndex == 0 ? headers[columnIndex].padded(toWidth: headerWidth) : String(repeating: " ", count: headerWidth)
                    var line = name + " | " + text
                    if lineIndex + 1 < lines.count {
                        line = name + " | " + text.padded(toWidth: dataWidth) + "+"
                    }
                    out += line + "\n"
                }
            }
        }
        out += "\n"
        return out
    }

    /// `-[ RECORD 1 ]-+------`, built as psql's `print_aligned_vertical_line` with border 1.
    private func recordRule(record: Int, headerWidth: Int, dataWidth: Int) -> String {
        let label = "[ RECORD \(record) ]"
        var out = "-" + label
        var used = label.count + 1
        if used < headerWidth { out += String(repeating: "-", count: headerWidth - used) }
        used -= headerWidth
        for piece in ["-", "+", "-"] {
            if used <= 0 { out += piece }
            used -= 1
        }
        if used < 0 { used = 0 }
        if used < dataWidth { out += String(repeating: "-", count: dataWidth - used) }
        return out + "\n"
    }
}
