import Foundation

/// The OS page cache for one file, so "cold" can mean cold: `evict` asks the kernel to drop the
/// file's clean pages (`posix_fadvise(POSIX_FADV_DONTNEED)` after an `fsync`; no privileges,
/// and only this file is affected), `residentShare` says how much of it is cached (`mincore`).
enum PageCache {
    static func evict(_ path: String) {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { return }
        defer { close(fd) }
        fsync(fd)
        _ = posix_fadvise(fd, 0, 0, Int32(POSIX_FADV_DONTNEED))
    }

    /// The share (0…1) of the file's pages in the page cache; nil when it cannot be told.
    static func residentShare(_ path: String) -> Double? {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var status = stat()
        guard fstat(fd, &status) == 0, status.st_size > 0 else { return nil }
        let length = Int(status.st_size)
        guard let map = mmap(nil, length, PROT_READ, MAP_SHARED, fd, 0), map != MAP_FAILED else { return nil }
        defer { munmap(map, length) }
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let pages = (length + page - 1) / page
        var vector = [UInt8](repeating: 0, count: pages)
        guard mincore(map, length, &vector) == 0 else { return nil }
        return Double(vector.reduce(0) { $0 + Int($1 & 1) }) / Double(pages)
    }
}
