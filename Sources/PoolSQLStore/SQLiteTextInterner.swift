/// One String per distinct text value during a scan of the history.
///
/// A million samples carry only a few distinct pool names, environments, instance ids and
/// health states; building a String from SQLite's bytes for each of them costs an allocation
/// and a copy per value longer than 15 UTF-8 bytes (shorter ones are stored inline in the
/// String and cost nothing to build). The interner hands back the String it made the first
/// time, so rows share it (a reference count instead of an allocation).
struct SQLiteTextInterner {
    /// FNV-1a hash of the bytes → the String built for them. A colliding value is built fresh
    /// (and not stored), so a collision costs speed, never correctness.
    private var strings: [UInt64: String] = [:]
    /// Beyond this many distinct values (free-form text), stop remembering: memory stays bounded.
    static let capacity = 4096

    mutating func string(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        if bytes.count <= 15 { return String(decoding: bytes, as: UTF8.self) }
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        if let known = strings[hash], Self.equal(known, bytes) { return known }
        let fresh = String(decoding: bytes, as: UTF8.self)
        if strings.count < Self.capacity, strings[hash] == nil { strings[hash] = fresh }
        return fresh
    }

    private static func equal(_ string: String, _ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var copy = string
        return copy.withUTF8 { $0.count == bytes.count && $0.elementsEqual(bytes) }
    }
}
