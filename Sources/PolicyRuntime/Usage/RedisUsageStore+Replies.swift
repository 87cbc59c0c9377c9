/// Reading the scripts' replies and the stored records. Each reader returns nil for anything the
/// scripts cannot have sent (the store turns that into an error): a reply comes from a server, and a
/// server — or whatever else answers on its port — is not trusted to be well-formed.
extension RedisUsageStore {
    /// The reserve script's reply (``RedisUsageScripts/reserve``) for a request of `charges` charges.
    static func reservationResult(_ reply: RedisReply, charges: Int) -> ReservationResult? {
        guard let elements = reply.elements else { return nil }
        var position = 0
        func next() -> Int? {
            guard position < elements.count, let value = elements[position].integerValue else { return nil }
            position += 1
            return value
        }
        func chargeIndex() -> Int? {
            guard let index = next(), (0..<charges).contains(index) else { return nil }
            return index
        }
        let statuses: [ReservationResult.Status] = [.reserved, .refused, .duplicate]
        guard let code = next(), statuses.indices.contains(code), next() == charges else { return nil }
        var usedBefore: [Int] = []
        for _ in 0..<charges {
            guard let use = next() else { return nil }
            usedBefore.append(use)
        }
        guard let refusals = next(), (0...charges).contains(refusals) else { return nil }
        var refused: [Int] = []
        var retryAfter: [Int?] = []
        for _ in 0..<refusals {
            guard let index = chargeIndex(), let delay = next(), delay >= 0 else { return nil }
            refused.append(index)
            // Every real delay is at least a second; 0 stands for none.
            retryAfter.append(delay == 0 ? nil : delay)
        }
        guard let crossingCount = next(), (0...charges).contains(crossingCount) else { return nil }
        var crossings: [ReservationResult.Crossing] = []
        for _ in 0..<crossingCount {
            guard let index = chargeIndex(), let kind = next(), kind == 0 || kind == 1, let threshold = next() else { return nil }
            crossings.append(.init(charge: index, threshold: kind == 1 ? nil : threshold))
        }
        guard position == elements.count else { return nil }
        return ReservationResult(status: statuses[code], usedBefore: usedBefore, refused: refused, retryAfter: retryAfter,
                                 crossings: crossings)
    }

    /// The settle script's reply (``RedisUsageScripts/settle``).
    static func settlementResult(_ reply: RedisReply) -> SettlementResult? {
        let results: [SettlementResult] = [.settled, .late, .alreadySettled, .unknown]
        guard let code = reply.integerValue, results.indices.contains(code) else { return nil }
        return results[code]
    }

    /// The used script's reply (``RedisUsageScripts/used``): one integer per meter.
    static func usedResult(_ reply: RedisReply, count: Int) -> [Int]? {
        guard let elements = reply.elements, elements.count == count else { return nil }
        var uses: [Int] = []
        for element in elements {
            guard let use = element.integerValue else { return nil }
            uses.append(use)
        }
        return uses
    }

    /// One element of the records list: `[id, time, attribution JSON, model or false, tokens in,
    /// tokens out, cost]`, numbers as decimal strings.
    static func record(_ bytes: [UInt8]) -> UsageRecord? {
        guard case .array(let items, _)? = try? JSONTree.parse(bytes, maximumDepth: 2), items.count == 7,
              case .string(let requestID, _) = items[0], case .string(let timeText, _) = items[1], let time = Int(timeText),
              case .string(let attributionText, _) = items[2], var attribution = self.attribution(Array(attributionText.utf8)),
              case .string(let inText, _) = items[4], let tokensIn = Int(inText),
              case .string(let outText, _) = items[5], let tokensOut = Int(outText),
              case .string(let costText, _) = items[6], let cost = Int(costText) else { return nil }
        switch items[3] {
        case .string(let model, _): attribution.model = model
        case .bool(false, _): break
        default: return nil
        }
        return UsageRecord(requestID: requestID, time: time, attribution: attribution, tokensIn: tokensIn, tokensOut: tokensOut,
                           costMicros: cost)
    }

    /// Reads ``attributionJSON(_:)``'s object.
    static func attribution(_ bytes: [UInt8]) -> UsageAttribution? {
        guard case .object(let members, _)? = try? JSONTree.parse(bytes, maximumDepth: 1) else { return nil }
        var attribution = UsageAttribution()
        for member in members {
            guard case .string(let value, _) = member.value else { return nil }
            switch member.key {
            case "user": attribution.user = value
            case "team": attribution.team = value
            case "department": attribution.department = value
            case "role": attribution.role = value
            case "model": attribution.model = value
            case "feature": attribution.feature = value
            default: return nil
            }
        }
        return attribution
    }
}
