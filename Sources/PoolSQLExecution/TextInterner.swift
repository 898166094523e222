/// Numbers distinct strings 0, 1, … for the columnar GROUP BY, with the row path's notion of
/// "distinct": Swift `String` equality (canonical equivalence), as `Value` hashing uses.
///
/// Short ASCII strings (up to 16 bytes: the usual pool and host names) are packed into two
/// words and found in a small open-addressing table by those words, which is much cheaper than
/// `String` hashing and comparison. Any other string, and a short ASCII one seen for the first
/// time, goes through a `Dictionary<String, UInt64>` (normalising hashing), so a non-ASCII
/// spelling canonically equal to an ASCII one (the Kelvin sign and "K") gets the same number.
struct TextInterner {
    /// A short ASCII string's bytes in two words (zero-padded), and its length.
    struct Packed: Equatable {
        var low: UInt64
        var high: UInt64
        var length: Int
    }

    private var numbers: [String: UInt64] = [:]
    private var packed: [Packed] = []
    private var packedNumbers: [UInt64] = []
    /// Index into `packed` + 1 per slot; 0 = empty.
    private var slots: [Int32] = Array(repeating: 0, count: 256)
    private var mask = 255

    mutating func number(of text: String) -> UInt64 {
        guard let key = TextInterner.pack(text) else { return general(text) }
        var slot = TextInterner.slot(key) & mask
        while true {
            let entry = Int(slots[slot])
            if entry == 0 { break }
            if packed[entry - 1] == key { return packedNumbers[entry - 1] }
            slot = (slot + 1) & mask
        }
        let number = general(text)
        packed.append(key)
        packedNumbers.append(number)
        slots[slot] = Int32(truncatingIfNeeded: packed.count)
        if packed.count * 2 > slots.count { grow() }
        return number
    }

    /// The packed form of an ASCII string of at most 16 bytes, else nil.
    static func pack(_ text: String) -> Packed? {
        let packed = text.utf8.withContiguousStorageIfAvailable { bytes -> Packed? in
            guard bytes.count <= 16 else { return nil }
            var words: (UInt64, UInt64) = (0, 0)
            withUnsafeMutableBytes(of: &words) { $0.copyMemory(from: UnsafeRawBufferPointer(bytes)) }
            // ASCII: no byte has its high bit set.
            guard (words.0 | words.1) & 0x8080_8080_8080_8080 == 0 else { return nil }
            return Packed(low: words.0, high: words.1, length: bytes.count)
        }
        return packed ?? nil
    }

    static func slot(_ key: Packed) -> Int {
        Int(truncatingIfNeeded: GroupKeyTable.mix(key.low ^ GroupKeyTable.mix(key.high &+ UInt64(key.length))))
    }

    private mutating func general(_ text: String) -> UInt64 {
        if let number = numbers[text] { return number }
        let number = UInt64(numbers.count)
        numbers[text] = number
        return number
    }

    private mutating func grow() {
        let capacity = slots.count * 2
        slots = Array(repeating: 0, count: capacity)
        mask = capacity - 1
        for (index, key) in packed.enumerated() {
            var slot = TextInterner.slot(key) & mask
            while slots[slot] != 0 { slot = (slot + 1) & mask }
            slots[slot] = Int32(truncatingIfNeeded: index + 1)
        }
    }
}
