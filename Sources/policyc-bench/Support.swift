import Foundation

/// Median of samples.
func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    return sorted[sorted.count / 2]
}

/// Median wall time of `iterations` runs of `body`, in seconds.
func measure(_ iterations: Int, _ body: () -> Void) -> Double {
    var samples: [Double] = []
    for _ in 0..<iterations {
        let start = DispatchTime.now().uptimeNanoseconds
        body()
        samples.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
    }
    return median(samples)
}

/// Stops with a message.
func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("policyc-bench: \(message)\n".utf8))
    exit(2)
}
