/// The columnar GROUP BY's running state: for every (group, measure) a count, an Int64, a
/// Double and (for percentiles) a list of doubles, group-major (`group * measures + measure`).
/// Plain buffers grown by doubling: the per-row updates are a load and a store, with none of
/// the uniqueness checks nested arrays would make on every write.
struct GroupStateColumns: ~Copyable {
    let measures: Int
    private(set) var capacity: Int
    private(set) var counts: UnsafeMutablePointer<Int64>
    private(set) var integers: UnsafeMutablePointer<Int64>
    private(set) var doubles: UnsafeMutablePointer<Double>
    private(set) var lists: UnsafeMutablePointer<[Double]>
    /// Groups whose state is initialised.
    private(set) var groups = 0

    init(measures: Int) {
        self.measures = measures
        capacity = 64
        let size = max(1, capacity * measures)
        counts = .allocate(capacity: size)
        integers = .allocate(capacity: size)
        doubles = .allocate(capacity: size)
        lists = .allocate(capacity: size)
    }

    deinit {
        lists.deinitialize(count: groups * measures)
        lists.deallocate()
        counts.deallocate()
        integers.deallocate()
        doubles.deallocate()
    }

    /// Adds a group with zero counts and sums and empty lists.
    mutating func addGroup() {
        if groups == capacity { grow() }
        let base = groups * measures
        (counts + base).initialize(repeating: 0, count: measures)
        (integers + base).initialize(repeating: 0, count: measures)
        (doubles + base).initialize(repeating: 0, count: measures)
        (lists + base).initialize(repeating: [], count: measures)
        groups += 1
    }

    private mutating func grow() {
        let used = groups * measures
        capacity *= 2
        let size = max(1, capacity * measures)
        func moved<T>(_ old: UnsafeMutablePointer<T>) -> UnsafeMutablePointer<T> {
            let new = UnsafeMutablePointer<T>.allocate(capacity: size)
            new.moveInitialize(from: old, count: used)
            old.deallocate()
            return new
        }
        counts = moved(counts)
        integers = moved(integers)
        doubles = moved(doubles)
        lists = moved(lists)
    }

    /// Percentile values of a measure gathered group by group (the columnar path): group `g`'s
    /// are `values[starts[g]..<starts[g + 1]]`.
    private var gathered: [Int: (values: [Double], starts: [Int])] = [:]

    mutating func setGathered(measure: Int, values: [Double], starts: [Int]) {
        gathered[measure] = (values, starts)
    }

    /// Takes the list of (group, measure) out, leaving it empty: its gathered values when the
    /// measure has them, else its own list.
    mutating func takeList(_ index: Int) -> [Double] {
        let group = index / max(measures, 1), measure = index % max(measures, 1)
        if let (values, starts) = gathered[measure], group + 1 < starts.count {
            return Array(values[starts[group]..<starts[group + 1]])
        }
        var list: [Double] = []
        swap(&list, &lists[index])
        return list
    }
}
