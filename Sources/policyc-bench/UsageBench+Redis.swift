import PolicyRuntime
// TEMPORARY until RedisUsageStore is merged.
func runRedisBenches(_ url: String) { fail("redis: not merged yet") }
func openRedisStore(_ location: String) -> any UsageStore { fail("redis: not merged yet") }
