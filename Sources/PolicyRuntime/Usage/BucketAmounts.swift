/// A meter's amount per bucket: a short array kept in bucket order. A calendar meter holds one
/// bucket and a rolling one at most its window's 61, and new use lands in the newest bucket, so
/// the last element is almost always the one wanted — cheaper than hashing into a dictionary,
/// which cost a hash and a probe per touch.
struct BucketAmounts: Sendable, Equatable {
    /// (bucket, amount), ascending by bucket, each bucket once.
    private(set) var entries: [(bucket: Int, amount: Int)] = []

    static func == (left: BucketAmounts, right: BucketAmounts) -> Bool {
        left.entries.elementsEqual(right.entries) { $0.bucket == $1.bucket && $0.amount == $1.amount }
    }

    /// Where `bucket` is, or where it would go.
    private func position(of bucket: Int) -> (index: Int, found: Bool) {
        var index = entries.count
        while index > 0, entries[index - 1].bucket >= bucket {
            index -= 1
            if entries[index].bucket == bucket { return (index, true) }
        }
        return (index, false)
    }

    /// The newest bucket kept, if any.
    var newest: Int? { entries.last?.bucket }

    /// The amount in a bucket, if the bucket is kept.
    subscript(bucket: Int) -> Int? {
        let found = position(of: bucket)
        return found.found ? entries[found.index].amount : nil
    }

    /// Adds to a bucket, keeping it if it was not.
    mutating func add(_ amount: Int, to bucket: Int) {
        let found = position(of: bucket)
        if found.found {
            entries[found.index].amount &+= amount
        } else {
            entries.insert((bucket, amount), at: found.index)
        }
    }

    /// Adds to a bucket only if it is still kept (a bucket dropped has left every window).
    mutating func adjust(_ bucket: Int, by delta: Int) {
        let found = position(of: bucket)
        if found.found { entries[found.index].amount &+= delta }
    }

    /// Drops the buckets before `oldest`.
    mutating func drop(before oldest: Int) {
        guard let first = entries.first, first.bucket < oldest else { return }
        entries.removeFirst(entries.prefix { $0.bucket < oldest }.count)
    }

    /// The sum of the buckets from `oldest` through `current`.
    func sum(from oldest: Int, through current: Int) -> Int {
        var total = 0
        for entry in entries.reversed() {
            if entry.bucket < oldest { break }
            if entry.bucket <= current { total = total &+ entry.amount }
        }
        return total
    }
}
