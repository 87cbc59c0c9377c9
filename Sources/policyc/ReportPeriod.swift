import Foundation
import PolicyRuntime

/// The period a report covers, from `--from` and `--to`, as `usage report` and `report` read
/// them: YYYY-MM-DD (midnight UTC) or RFC 3339 times, `--to` excluded; by default the
/// ``defaultDays`` days up to now (`--from` alone: up to now; `--to` alone: the days before).
enum ReportPeriod {
    /// The default period's length: 30 days.
    static let defaultDays = 30

    /// The period's first second and the first second after it.
    static func read(_ arguments: ParsedArguments, command: String) throws(CommandFailure) -> (from: Int, to: Int) {
        // The end is exclusive: by default it is the second after this one, so what happened
        // this second is in the report.
        let now = Int(Date().timeIntervalSince1970)
        let to = try arguments.value("to").map { text throws(CommandFailure) in try moment(text, option: "to", command: command) } ?? now + 1
        let from = try arguments.value("from").map { text throws(CommandFailure) in try moment(text, option: "from", command: command) }
            ?? to - defaultDays * 86_400
        guard from < to else {
            throw .usage("\(command): --from \(Timestamp(secondsSinceEpoch: from).rfc3339) is not before --to "
                         + "\(Timestamp(secondsSinceEpoch: to).rfc3339); the period would be empty")
        }
        return (from, to)
    }

    /// `2026-12-01` (midnight UTC) or an RFC 3339 time, in seconds since the epoch.
    static func moment(_ text: String, option: String, command: String) throws(CommandFailure) -> Int {
        // A date is read as that day's midnight UTC by the one RFC 3339 reader, which also
        // refuses days the month does not have.
        if text.utf8.count == 10, let day = Timestamp(rfc3339: text + "T00:00:00Z") { return day.secondsSinceEpoch }
        if text.utf8.count > 10, let time = Timestamp(rfc3339: text) { return time.secondsSinceEpoch }
        throw .usage("\(command): --\(option) `\(text)` is not a date (YYYY-MM-DD, midnight UTC) or an RFC 3339 time "
                     + "(2026-12-01T09:30:00Z)")
    }
}
