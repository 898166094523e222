/// One record of a CSV file: its fields and the line it starts on (1-based; a quoted field
/// may span lines).
struct CSVRecord: Sendable, Equatable {
    struct Field: Sendable, Equatable {
        var text: String
        /// Written in quotes: a quoted empty field is an empty string, not NULL.
        var quoted: Bool
    }

    var fields: [Field]
    var line: Int
}
