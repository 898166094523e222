/// Numbers distinct strings 0, 1, … for the columnar GROUP BY, with the row path's notion of
/// "distinct": Swift `String` equality (canonical equivalence), as `Value` hashing uses.
///
/// ASCII strings (the usual pool and host names) are found through a small open-addressing
/// table hashed over their bytes, which is much cheaper than `String` hashing; an ASCII string
/// not yet in it, and every non-ASCII string, goes through a `Dictionary<String, UInt64>`
/// (normalising hashing), so a non-ASCII spelling canonically equal to an ASCII one (the Kelvin
/// sign and "K") still gets the same number.
struct TextInterner {
    private var numbers: [String: UInt64] = [:]
    /// ASCII strings already numbered, and their numbers, by slot (number + 1; 0 = empty).
    private var asciiStrings: [String] = []
    private var asciiNumbers: [UInt64] = []
    private var slots: [Int32] = Array(repeating: 0, count: 256)
    private var mask = 255

    var count: Int { numbers.count }

    mutating func number(of text: String) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        var bits: UInt8 = 0
        for byte in text.utf8 {
            hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
            bits |= byte
        }
        guard bits < 0x80 else { return general(text) }
        hash ^= hash >> 29
        var slot = Int(truncatingIfNeeded: hash) & mask
        while true {
            let entry = Int(slots[slot])
            if entry == 0 { break }
            if asciiStrings[entry - 1] == text { return asciiNumbers[entry - 1] }
            slot = (slot + 1) & mask
        }
        let number = general(text)
        asciiStrings.append(text)
        asciiNumbers.append(number)
        slots[slot] = Int32(truncatingIfNeeded: asciiStrings.count)
        if asciiStrings.count * 2 > slots.count { grow() }
        return number
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
        for (index, text) in asciiStrings.enumerated() {
            var hash: UInt64 = 0xCBF2_9CE4_8422_2325
            for byte in text.utf8 { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
            hash ^= hash >> 29
            var slot = Int(truncatingIfNeeded: hash) & mask
            while slots[slot] != 0 { slot = (slot + 1) & mask }
            slots[slot] = Int32(truncatingIfNeeded: index + 1)
        }
    }
}
