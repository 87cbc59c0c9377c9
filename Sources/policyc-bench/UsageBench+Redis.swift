import Foundation
import PolicyRuntime

/// The Redis parts of `policyc-bench usage --redis URL`: reservations one by one and pipelined
/// (`redis-usage`), and charges/s by thread count through one store per thread count.
func runRedisBenches(_ url: String) {
    runRedisUsageBench(["--url", url])
    runStoreThroughputBench(label: "Redis (a pool of 4 connections)", open: { freshRedisStore(url) })
}

/// `redis://HOST:PORT[/DB]`, with a key prefix of its own so runs never share state.
func freshRedisStore(_ url: String, prefix: String = "bench-" + UUID().uuidString) -> RedisUsageStore {
    do {
        return RedisUsageStore(endpoint: try RedisEndpoint(url: url), keyPrefix: prefix, ioTimeout: 30)
    } catch {
        fail("cannot use \(url): \(error)")
    }
}

/// `redis://HOST:PORT[/DB]#PREFIX`: the store the exactness workers share.
func openRedisStore(_ location: String) -> any UsageStore {
    let parts = location.split(separator: "#", maxSplits: 1).map(String.init)
    return freshRedisStore(parts[0], prefix: parts.count > 1 ? parts[1] : "bench")
}
