/// An open-addressing hash table from fixed-width group keys (a few 64-bit words each) to group
/// numbers, numbered in first-seen order. The columnar aggregate encodes each row's GROUP BY
/// values as words (integers and instants as themselves, text as dictionary numbers, a last
/// word of NULL flags), so grouping hashes and compares integers instead of `Value`s.
struct GroupKeyTable {
    let width: Int
    /// The keys of groups 0, 1, …, `width` words each.
    private(set) var words: [UInt64] = []
    private(set) var count = 0
    /// Group number + 1 per slot; 0 is an empty slot.
    private var slots: [Int32]
    private var mask: Int

    init(width: Int) {
        self.width = width
        slots = Array(repeating: 0, count: 1024)
        mask = 1023
    }

    /// The group of `key` (its first `width` words), added as the next group when new.
    mutating func group(of key: UnsafeMutableBufferPointer<UInt64>) -> (group: Int, isNew: Bool) {
        var slot = Int(truncatingIfNeeded: GroupKeyTable.hash(key, width: width)) & mask
        while true {
            let entry = Int(slots[slot])
            if entry == 0 { break }
            let base = (entry - 1) * width
            var equal = true
            for i in 0..<width where words[base + i] != key[i] {
                equal = false
                break
            }
            if equal { return (entry - 1, false) }
            slot = (slot + 1) & mask
        }
        let group = count
        for i in 0..<width { words.append(key[i]) }
        count += 1
        slots[slot] = Int32(truncatingIfNeeded: count)
        if count * 2 > slots.count { grow() }
        return (group, true)
    }

    private mutating func grow() {
        let capacity = slots.count * 2
        slots = Array(repeating: 0, count: capacity)
        mask = capacity - 1
        words.withUnsafeMutableBufferPointer { all in
            for group in 0..<count {
                let key = UnsafeMutableBufferPointer(rebasing: all[(group * width)..<(group * width + width)])
                var slot = Int(truncatingIfNeeded: GroupKeyTable.hash(key, width: width)) & mask
                while slots[slot] != 0 { slot = (slot + 1) & mask }
                slots[slot] = Int32(truncatingIfNeeded: group + 1)
            }
        }
    }

    /// A multiply–xorshift mix of the words (keys are small integers and instants, so the
    /// low bits alone would cluster).
    static func hash(_ key: UnsafeMutableBufferPointer<UInt64>, width: Int) -> UInt64 {
        var h: UInt64 = 0x9E37_79B9_7F4A_7C15
        for i in 0..<width {
            h = (h ^ key[i]) &* 0xBF58_476D_1CE4_E5B9
            h ^= h >> 31
        }
        h &*= 0x94D0_49BB_1331_11EB
        return h ^ (h >> 29)
    }
}
