import PolicyRuntime

/// `--state DIR|redis://HOST:PORT[/DB]`: where `eval` (and `usage report`) keep and read usage.
enum UsageState {
    /// The option, as commands list it.
    static let option = OptionSpec("state", value: "DIR|URL",
                                   help: "keep usage for budgets and rate limits in DIR (the durable store) or redis://HOST:PORT[/DB]")

    /// Opens the store the option names; repairs (a torn log tail) are reported on stderr.
    static func open(_ location: String, command: String) throws(CommandFailure) -> any UsageStore {
        do {
            if location.hasPrefix("redis://") {
                return RedisUsageStore(endpoint: try redisEndpoint(location, command: command))
            }
            return try FileUsageStore(directory: location, warn: { Output.err("policyc: \(command): warning: \($0)\n") })
        } catch {
            throw .usage("\(command): cannot open the usage store `\(location)`: \(error)")
        }
    }

    private static func redisEndpoint(_ location: String, command: String) throws(CommandFailure) -> RedisEndpoint {
        do {
            return try RedisEndpoint(url: location)
        } catch {
            throw .usage("\(command): --state: \(error)")
        }
    }
}
