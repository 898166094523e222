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

    /// A direct-mapped memo of recent lookups, by the low bits of the first word: rows of one
    /// series often repeat their key (one pool's samples within one hour), and comparing a
    /// few words beats hashing and probing. Group number + 1 per entry; 0 = empty.
    private var recentKeys: [UInt64]
    private var recentGroups: [Int32]
    private static let recentSize = 64

    init(width: Int) {
        self.width = width
        slots = Array(repeating: 0, count: 1024)
        mask = 1023
        recentKeys = Array(repeating: 0, count: GroupKeyTable.recentSize * width)
        recentGroups = Array(repeating: 0, count: GroupKeyTable.recentSize)
    }

    /// The group of `key` (its first `width` words), added as the next group when new.
    mutating func group(of key: UnsafeMutableBufferPointer<UInt64>) -> (group: Int, isNew: Bool) {
        let recent = Int(truncatingIfNeeded: key[0]) & (GroupKeyTable.recentSize - 1)
        let remembered = Int(recentGroups[recent])
        if remembered != 0 {
            var equal = true
            for i in 0..<width where recentKeys[recent * width + i] != key[i] {
                equal = false
                break
            }
            if equal { return (remembered - 1, false) }
        }
        let found = lookUp(key)
        for i in 0..<width { recentKeys[recent * width + i] = key[i] }
        recentGroups[recent] = Int32(truncatingIfNeeded: found.group + 1)
        return found
    }

    private mutating func lookUp(_ key: UnsafeMutableBufferPointer<UInt64>) -> (group: Int, isNew: Bool) {
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

    /// The words mixed so every input bit reaches the low bits the slot is taken from (keys
    /// are small integers and instants that differ only in middle bits).
    static func hash(_ key: UnsafeMutableBufferPointer<UInt64>, width: Int) -> UInt64 {
        var h: UInt64 = 0x9E37_79B9_7F4A_7C15
        for i in 0..<width { h = mix(h ^ key[i]) }
        return h
    }

    /// MurmurHash3's 64-bit finaliser: a bijection with full avalanche.
    static func mix(_ value: UInt64) -> UInt64 {
        var h = value
        h ^= h >> 33
        h &*= 0xFF51_AFD7_ED55_8CCD
        h ^= h >> 33
        h &*= 0xC4CE_B9FE_1A85_EC53
        return h ^ (h >> 33)
    }
}
