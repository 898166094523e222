import Foundation

extension DifferentialRun {
    /// Feature names for KNOWN_DIFFERENCES.md, most specific first: the first that the SQL
    /// mentions names the row, so the engine work can be grouped by feature.
    static let features: [(needle: String, feature: String)] = [
        ("make_interval", "make_interval"), ("unnest(", "unnest"), ("percentile_cont(array", "percentile of an array of fractions"), ("percentile_disc(array", "percentile of an array of fractions"), ("percentile_cont", "percentile_cont"), ("percentile_disc", "percentile_disc"), ("mode()", "mode()"),
        ("to_char", "to_char"), ("to_timestamp", "to_timestamp"), ("make_interval", "make_interval"),
        ("date_trunc", "date_trunc"), ("date_part", "date_part/extract"), ("extract(", "date_part/extract"),
        ("age(", "age"), ("string_agg", "string_agg"), ("array_agg", "array_agg"), ("unnest", "unnest"),
        ("filter (", "aggregate FILTER"), ("distinct on", "DISTINCT ON"), ("format(", "format"),
        ("lag(", "lag/lead"), ("lead(", "lag/lead"), ("nth_value", "window values"), ("first_value", "window values"),
        ("last_value", "window values"), ("ntile", "ranking windows"), ("percent_rank", "ranking windows"),
        ("rank(", "ranking windows"), ("rows between", "window frames"), ("range between", "window frames"),
        (" over ", "window aggregates"), ("stddev", "stddev/variance"), ("variance", "stddev/variance"),
        ("round(", "round/trunc"), ("trunc(", "round/trunc"), ("interval", "interval arithmetic"),
        ("timestamp", "timestamp arithmetic"), ("array", "arrays"), ("any(", "ANY/ALL"), ("all(", "ANY/ALL"),
        ("union", "set operations"), ("intersect", "set operations"), ("except", "set operations"),
        ("with ", "CTEs"), ("join", "joins"), ("group by", "GROUP BY"), ("::", "casts"), ("cast(", "casts"),
    ]

    /// The feature a difference belongs to: the function PoolSQL does not know, else the first
    /// feature the SQL mentions.
    static func feature(of sql: String, poolSQL: String) -> String {
        if let range = poolSQL.range(of: #"function [a-z_]+\("#, options: .regularExpression) {
            return String(poolSQL[range].dropFirst(9).dropLast()) + "()"
        }
        if let range = poolSQL.range(of: #"operator does not exist: [^/]*"#, options: .regularExpression) {
            return "operator " + poolSQL[range].dropFirst(25).trimmingCharacters(in: .whitespaces)
        }
        let lowered = sql.lowercased()
        return features.first { lowered.contains($0.needle) }?.feature ?? "expressions"
    }

    static func cell(_ text: String) -> String {
        let flat = text.replacingOccurrences(of: "\n      ", with: "; ").replacingOccurrences(of: "\n", with: " ")
            .replacingOccurrences(of: "|", with: "\\|")
        return flat.count > 90 ? String(flat.prefix(87)) + "…" : flat
    }

    static func knownDifferencesMarkdown(_ differences: [Difference], previous: DifferentialKnownDifferences) -> String {
        var text = """
            # Known differences between PoolSQL and PostgreSQL 15

            Records of the .slt corpus whose PostgreSQL answer (the expected block) PoolSQL does not
            give yet. `DifferentialTests` fails on any difference not listed here and on a listed
            record that agrees with PostgreSQL now, so this list can only shrink. `SLTTests` still
            runs these records (they must not crash) but does not compare their results.
            Regenerate after engine fixes: `scripts/slt-complete.sh --known`.

            | Record | Feature | Difference (PoolSQL / PostgreSQL) |
            |---|---|---|

            """
        for d in differences {
            let old = previous.entries.first { $0.file == d.file && $0.line == d.line }
            let feature = old?.feature.isEmpty == false ? old?.feature ?? "" : feature(of: d.sql, poolSQL: d.poolSQL)
            text += "| `\(d.file):\(d.line)` | \(feature) | PoolSQL: \(cell(d.poolSQL)) / PostgreSQL: \(cell(d.postgres)) |\n"
        }
        return text
    }
}
