/// Reads and writes sizes as `metrics_store_max_size` takes them: `'500MB'`, `'1GB'`,
/// `'1.5 GB'`, `'64kB'`, or a plain number of bytes. Units are binary (1 kB = 1024 bytes), as
/// PostgreSQL's memory settings are.
enum ByteSizeText {
    private static let units: [(names: [String], bytes: Int64)] = [
        (["b", "byte", "bytes"], 1),
        (["k", "kb", "kib"], 1 << 10),
        (["m", "mb", "mib"], 1 << 20),
        (["g", "gb", "gib"], 1 << 30),
        (["t", "tb", "tib"], 1 << 40),
    ]

    /// Bytes, or nil when the text is not a size (negative sizes are not sizes).
    static func parseBytes(_ text: String) -> Int64? {
        let lowered = text.lowercased().filter { $0 != " " && $0 != "\t" }
        let number = lowered.prefix { ($0 >= "0" && $0 <= "9") || $0 == "." }
        let unit = String(lowered.dropFirst(number.count))
        guard !number.isEmpty, let amount = Double(number), amount.isFinite, amount >= 0 else { return nil }
        let factor: Int64
        if unit.isEmpty {
            factor = 1
        } else if let match = units.first(where: { $0.names.contains(unit) }) {
            factor = match.bytes
        } else {
            return nil
        }
        let bytes = amount * Double(factor)
        guard bytes < 9.2e18 else { return nil }
        return Int64(bytes.rounded())
    }

    /// `0`, `1GB`, `500MB`, `64kB`, or bytes: the largest unit that divides exactly.
    static func format(bytes: Int64) -> String {
        if bytes == 0 { return "0" }
        for (suffix, size) in [("TB", Int64(1) << 40), ("GB", 1 << 30), ("MB", 1 << 20), ("kB", 1 << 10)] where bytes % size == 0 {
            return "\(bytes / size)\(suffix)"
        }
        return "\(bytes)"
    }
}
