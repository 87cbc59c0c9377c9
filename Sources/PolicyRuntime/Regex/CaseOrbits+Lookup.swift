extension CaseOrbits {
    /// The position of `scalar` in ``scalars``, which must hold it (orbit members always are).
    /// - Complexity: O(log n), a binary search of the sorted table.
    static func index(of scalar: UInt32) -> Int {
        let low = firstIndex(atLeast: scalar)
        precondition(low < scalars.count && scalars[low] == scalar, "U+\(String(scalar, radix: 16)) is not in a case orbit")
        return low
    }

    /// The first position whose scalar is at least `scalar` (``scalars``'s count when none is).
    static func firstIndex(atLeast scalar: UInt32) -> Int {
        var low = 0
        var high = scalars.count
        while low < high {
            let middle = (low + high) / 2
            if scalars[middle] < scalar { low = middle + 1 } else { high = middle }
        }
        return low
    }
}
