/// The durable store's file formats (docs/runtime.md, "The durable store"): each record is one
/// line, `CRC32C-in-8-hex-digits SPACE JSON LF`, the checksum taken over the JSON bytes.
///
/// The log holds the operations that changed the ledger — a header, then `reserve` and `settle`
/// records — and the ledger is what replaying them gives (``UsageLedger`` is deterministic). A
/// snapshot is one record holding the whole ledger and the log offset it covers.
enum UsageLogCodec {
    /// An operation, as logged.
    enum Operation: Equatable {
        case reserve(ReservationRequest)
        case settle(SettlementRequest)
    }

    /// The log's first record: says what the file is, so a foreign file is refused.
    static let header: [UInt8] = line(.object([JSONTree.Member("format", .string("policylang-usage-log")),
                                               JSONTree.Member("version", .integer(1))]))

    /// One record line for a JSON value.
    static func line(_ value: JSONTree) -> [UInt8] {
        var json: [UInt8] = []
        value.writeCanonical(into: &json)
        var out: [UInt8] = []
        appendLine(json: json, into: &out)
        return out
    }

    /// Appends `CRC SPACE json LF` to `out`.
    static func appendLine(json: [UInt8], into out: inout [UInt8]) {
        let crc = CRC32C.checksum(json)
        let hex = Array("0123456789abcdef".utf8)
        for shift in stride(from: 28, through: 0, by: -4) { out.append(hex[Int((crc >> UInt32(shift)) & 0xF)]) }
        out.append(UInt8(ascii: " "))
        out += json
        out.append(0x0A)
    }

    /// The JSON of a record line (without its line feed), or nil when the line is not a record
    /// whose checksum matches.
    static func value(ofLine line: ArraySlice<UInt8>) -> JSONTree? {
        guard line.count > 9, line[line.startIndex + 8] == UInt8(ascii: " ") else { return nil }
        var crc: UInt32 = 0
        for byte in line[line.startIndex..<line.startIndex + 8] {
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            default: return nil
            }
            crc = crc << 4 | UInt32(digit)
        }
        let json = line[(line.startIndex + 9)...]
        guard CRC32C.checksum(json) == crc else { return nil }
        return try? JSONTree.parse(Array(json))
    }

    /// Appends an operation's record line to `out`. Written byte by byte (operations are
    /// logged at request rate); the reader is the JSON parser, so the two cannot disagree on
    /// anything but key order, which JSON leaves free.
    static func append(_ operation: Operation, into out: inout [UInt8]) {
        var json: [UInt8] = []
        json.reserveCapacity(320)
        func text(_ key: StaticString, _ value: String?, first: Bool = false) {
            if let value {
                JSONWriter.field(key, value, into: &json, first: first)
            } else {
                if !first { json.append(UInt8(ascii: ",")) }
                json.append(UInt8(ascii: "\""))
                json.append(contentsOf: UnsafeBufferPointer(start: key.utf8Start, count: key.utf8CodeUnitCount))
                JSONWriter.raw(#"":null"#, into: &json)
            }
        }
        func number(_ key: StaticString, _ value: Int) {
            json.append(UInt8(ascii: ","))
            json.append(UInt8(ascii: "\""))
            json.append(contentsOf: UnsafeBufferPointer(start: key.utf8Start, count: key.utf8CodeUnitCount))
            JSONWriter.raw(#"":"#, into: &json)
            JSONWriter.integer(value, into: &json)
        }
        json.append(UInt8(ascii: "{"))
        switch operation {
        case .reserve(let request):
            text("op", "reserve", first: true)
            text("id", request.requestID)
            number("time", request.time)
            number("expires", request.expiresAt)
            JSONWriter.raw(#","attribution":{"#, into: &json)
            let who = request.attribution
            text("user", who.user, first: true)
            text("team", who.team)
            text("department", who.department)
            text("role", who.role)
            text("model", who.model)
            text("feature", who.feature)
            JSONWriter.raw(#"},"charges":["#, into: &json)
            for (index, charge) in request.charges.enumerated() {
                if index > 0 { json.append(UInt8(ascii: ",")) }
                json.append(UInt8(ascii: "{"))
                text("meter", charge.meter.key, first: true)
                text("window", charge.meter.window.key)
                text("unit", charge.unit.rawValue)
                number("limit", charge.limit)
                number("amount", charge.amount)
                JSONWriter.raw(#","thresholds":["#, into: &json)
                for (position, threshold) in charge.thresholds.enumerated() {
                    if position > 0 { json.append(UInt8(ascii: ",")) }
                    JSONWriter.integer(threshold, into: &json)
                }
                JSONWriter.raw("]}", into: &json)
            }
            json.append(UInt8(ascii: "]"))
        case .settle(let settlement):
            text("op", "settle", first: true)
            text("id", settlement.requestID)
            number("time", settlement.time)
            number("cost", settlement.costMicros)
            number("in", settlement.tokensIn)
            number("out", settlement.tokensOut)
            text("model", settlement.model)
        }
        json.append(UInt8(ascii: "}"))
        appendLine(json: json, into: &out)
    }

    private static func optional(_ text: String?) -> JSONTree { text.map { .string($0) } ?? .null() }

    /// Reads an operation record; nil when it is not one (a well-formed line the codec does not know
    /// is corruption, not something to skip).
    static func operation(_ value: JSONTree) -> Operation? {
        guard let fields = Fields(value), let op = fields.string("op"), let id = fields.string("id"), let time = fields.integer("time") else {
            return nil
        }
        switch op {
        case "reserve":
            guard let expires = fields.integer("expires"), let attributionFields = fields.object("attribution"),
                  case .array(let items, _)? = fields["charges"] else { return nil }
            var charges: [MeterCharge] = []
            for item in items {
                guard let charge = Fields(item), let key = charge.string("meter"), let window = charge.string("window").flatMap(UsageWindow.init(key:)),
                      let unit = charge.string("unit").flatMap(UsageUnit.init(rawValue:)), let limit = charge.integer("limit"),
                      let amount = charge.integer("amount"), case .array(let thresholdItems, _)? = charge["thresholds"] else { return nil }
                let thresholds = thresholdItems.compactMap(\.integerValue)
                guard thresholds.count == thresholdItems.count else { return nil }
                charges.append(MeterCharge(meter: Meter(key: key, window: window), unit: unit, limit: limit, amount: amount, thresholds: thresholds))
            }
            let attribution = UsageAttribution(
                user: attributionFields.string("user"), team: attributionFields.string("team"),
                department: attributionFields.string("department"), role: attributionFields.string("role"),
                model: attributionFields.string("model"), feature: attributionFields.string("feature"))
            return .reserve(ReservationRequest(requestID: id, time: time, expiresAt: expires, charges: charges, attribution: attribution))
        case "settle":
            guard let cost = fields.integer("cost"), let tokensIn = fields.integer("in"), let tokensOut = fields.integer("out") else { return nil }
            return .settle(SettlementRequest(requestID: id, time: time, costMicros: cost, tokensIn: tokensIn, tokensOut: tokensOut,
                                             model: fields.string("model")))
        default:
            return nil
        }
    }

    /// A snapshot record: the ledger and the log offset it covers.
    static func snapshot(_ ledger: UsageLedger, logOffset: Int) -> [UInt8] {
        let keys = ledger.meterNames.map(\.key)
        let meters = zip(keys, ledger.meters).sorted { $0.0 < $1.0 }.map { key, state in
            JSONTree.Member(key, .object([
                .init("buckets", .array(state.buckets.entries.map { .array([.integer($0.bucket), .integer($0.amount)]) })),
                .init("mark", .array([.integer(state.markLevel), .integer(state.markUntil)])),
            ]))
        }
        let reservations = ledger.reservations.sorted { $0.key < $1.key }.map { id, reservation in
            JSONTree.Member(id, .object([
                .init("time", .integer(reservation.time)), .init("expires", .integer(reservation.expiresAt)),
                .init("state", .string(reservation.state.rawValue)),
                .init("attribution", .array([reservation.attribution.user, reservation.attribution.team, reservation.attribution.department,
                                             reservation.attribution.role, reservation.attribution.model, reservation.attribution.feature]
                                                .map(optional))),
                .init("holds", .array(reservation.holds.map { hold in
                    .array([.string(keys[hold.meter]), .integer(hold.bucket), .string(hold.unit.rawValue), .integer(hold.amount)])
                })),
            ]))
        }
        return line(.object([
            .init("format", .string("policylang-usage-snapshot")), .init("version", .integer(1)), .init("log_offset", .integer(logOffset)),
            .init("meters", .object(meters)), .init("reservations", .object(reservations)),
        ]))
    }

    /// Reads a snapshot record: the ledger and the log offset it covers; nil when malformed.
    static func ledger(fromSnapshot value: JSONTree) -> (ledger: UsageLedger, logOffset: Int)? {
        guard let fields = Fields(value), fields.string("format") == "policylang-usage-snapshot", fields.integer("version") == 1,
              let offset = fields.integer("log_offset"), case .object(let meters, _)? = fields["meters"],
              case .object(let reservations, _)? = fields["reservations"] else { return nil }
        var ledger = UsageLedger()
        for member in meters {
            guard let meter = Fields(member.value), case .array(let buckets, _)? = meter["buckets"],
                  case .array(let mark, _)? = meter["mark"], mark.count == 2, let level = mark[0].integerValue,
                  let until = mark[1].integerValue else { return nil }
            var state = UsageLedger.MeterState()
            for bucket in buckets {
                guard case .array(let pair, _) = bucket, pair.count == 2, let index = pair[0].integerValue, let amount = pair[1].integerValue else {
                    return nil
                }
                guard state.buckets[index] == nil else { return nil }
                state.buckets.add(amount, to: index)
            }
            state.markLevel = level
            state.markUntil = until
            ledger.meters[ledger.slot(for: MeterName(key: member.key))] = state
        }
        for member in reservations {
            guard let reservation = Fields(member.value), let time = reservation.integer("time"), let expires = reservation.integer("expires"),
                  let state = reservation.string("state").flatMap(UsageLedger.Reservation.State.init(rawValue:)),
                  case .array(let who, _)? = reservation["attribution"], who.count == 6,
                  case .array(let holdItems, _)? = reservation["holds"] else { return nil }
            var holds: [UsageLedger.Hold] = []
            for item in holdItems {
                guard case .array(let parts, _) = item, parts.count == 4, case .string(let meter, _) = parts[0],
                      let bucket = parts[1].integerValue, case .string(let unitName, _) = parts[2],
                      let unit = UsageUnit(rawValue: unitName), let amount = parts[3].integerValue else { return nil }
                holds.append(UsageLedger.Hold(meter: ledger.slot(for: MeterName(key: meter)), bucket: bucket, unit: unit, amount: amount))
            }
            func text(_ value: JSONTree) -> String? { if case .string(let text, _) = value { return text } else { return nil } }
            let attribution = UsageAttribution(user: text(who[0]), team: text(who[1]), department: text(who[2]), role: text(who[3]),
                                               model: text(who[4]), feature: text(who[5]))
            ledger.reservations[member.key] = UsageLedger.Reservation(time: time, expiresAt: expires, holds: holds,
                                                                      attribution: attribution, state: state)
            ledger.schedule(member.key, at: expires)
        }
        return (ledger, offset)
    }

    /// An object's members by key.
    struct Fields {
        let members: [String: JSONTree]

        init?(_ value: JSONTree) {
            guard case .object(let list, _) = value else { return nil }
            var members: [String: JSONTree] = [:]
            for member in list { members[member.key] = member.value }
            self.members = members
        }

        subscript(key: String) -> JSONTree? { members[key] }

        func string(_ key: String) -> String? {
            if case .string(let text, _)? = members[key] { return text }
            return nil
        }

        func integer(_ key: String) -> Int? { members[key]?.integerValue }

        func object(_ key: String) -> Fields? { members[key].flatMap(Fields.init) }
    }
}
