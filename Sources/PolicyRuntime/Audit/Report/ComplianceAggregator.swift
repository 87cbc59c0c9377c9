/// Adds a trail's records up into a ``ComplianceReport``, one record at a time: no record is
/// kept, only one entry per distinct user, session, team, model, file and reason (and the `top`
/// riskiest records).
struct ComplianceAggregator {
    private let from: Int
    private let to: Int
    private let top: Int?
    private let threshold: Int
    private let thresholdFromPolicy: Bool
    private var totals = ComplianceReport.Totals()
    private var timeline: ComplianceTimeline
    private var sessions: Set<String> = []
    private var users: Set<String> = []
    private var models = ComplianceTally()
    private var byUser = ComplianceTally()
    private var byTeam = ComplianceTally()
    private var securityEvents = ComplianceTally()
    private var detections = ComplianceTally()
    private var alerts = ComplianceTally()
    private var files = ComplianceTally()
    private var highRiskUsers = ComplianceTally()
    private var trailEvents = ComplianceTally()
    /// The riskiest records so far, at most `top` of them.
    private var highRisk = MinHeap<RiskRank>()
    private var policies: [String: ComplianceReport.PolicySeen] = [:]
    private var controls: [ControlEvidence]?
    /// For each implementer reference, the (control, implementer) positions it fills.
    private var implementers: [String: [(control: Int, implementer: Int)]] = [:]

    /// Starts a report of the period `from..<to`.
    init(from: Int, to: Int, top: Int?, policy: CompiledPolicy?) {
        self.from = from
        self.to = to
        self.top = top
        if let declared = policy?.audit.highRiskThresholdPercent {
            threshold = declared
            thresholdFromPolicy = true
        } else {
            threshold = ComplianceReport.defaultHighRiskPercent
            thresholdFromPolicy = false
        }
        let days = (to - from + 86_399) / 86_400
        let bucket = days <= ComplianceReport.hourlyTimelineDays ? 3_600 : 86_400
        let first = Timestamp.floorDivide(from, bucket) * bucket
        timeline = ComplianceTimeline(bucketSeconds: bucket,
                                      points: stride(from: first, to: to, by: bucket).map { ComplianceTimeline.Point(start: $0) })
        if let policy {
            controls = policy.controls.enumerated().map { index, control in
                for (position, reference) in control.implementedBy.enumerated() {
                    implementers[reference, default: []].append((index, position))
                }
                return ControlEvidence(id: control.id, description: control.description, source: control.source,
                                       implementedBy: control.implementedBy.map { ControlEvidence.Implementer(reference: $0) })
            }
        }
    }

    /// Counts one record of trail `trail` (its index in the report's trails), if it falls in the period.
    /// - Throws: ``AuditError`` (`badInput`) for a decision whose `outcome` is not one of the
    ///   three, or a period whose sums would overflow.
    mutating func add(_ record: AuditReportRecord, trail: Int, at location: @autoclosure () -> String) throws(AuditError) {
        guard record.time >= from, record.time < to else { return }
        totals.records += 1
        guard record.kind == "decision" else {
            trailEvents.add(record.kind, user: nil)
            return
        }
        guard let outcome = record.outcome.flatMap(Decision.Outcome.init(rawValue:)) else {
            throw AuditError(.badInput, "\(location()): seq \(record.seq): a decision's `outcome` must be allow, deny or require_approval")
        }
        totals.decisions += 1
        let bucket = (record.time - timeline.points[0].start) / timeline.bucketSeconds
        switch outcome {
        case .allow:
            totals.allowed += 1
            timeline.points[bucket].allowed += 1
        case .deny:
            totals.denied += 1
            timeline.points[bucket].denied += 1
        case .requireApproval:
            totals.approvalRequired += 1
            timeline.points[bucket].approvalRequired += 1
        }
        if let session = record.session { sessions.insert(session) }
        if let user = record.user { users.insert(user) }
        if record.identityErased { totals.erasedIdentities += 1 }

        var tokensIn = 0, tokensOut = 0, cost = 0
        switch record.spend {
        case .spent: (tokensIn, tokensOut, cost) = (record.tokensIn, record.tokensOut, record.costMicros)
        case .unsettled: try Self.add(record.costMicros, to: &totals.unsettledCostMicros, location())
        case .none: break
        }
        // Each record's numbers are at most a trillion, so only the totals can overflow, and
        // every other sum is part of one of them.
        try Self.add(tokensIn, to: &totals.tokensIn, location())
        try Self.add(tokensOut, to: &totals.tokensOut, location())
        try Self.add(cost, to: &totals.costMicros, location())
        models.add(record.model, user: record.user, tokensIn: tokensIn, tokensOut: tokensOut, costMicros: cost)
        byUser.add(record.user, user: record.user, tokensIn: tokensIn, tokensOut: tokensOut, costMicros: cost)
        byTeam.add(record.team, user: record.user, tokensIn: tokensIn, tokensOut: tokensOut, costMicros: cost)

        // A security event: a security reason, a detection, or an incident playbook started.
        // Alerts alone are not (a budget's alerts are spending, not security).
        var isSecurityEvent = !record.detections.isEmpty || !record.playbooks.isEmpty
        var codes: [String] = []
        for reason in record.reasons where !codes.contains(reason.code) {
            codes.append(reason.code)
            // A code this version does not know (a newer gateway's) is shown rather than hidden.
            if ReasonCode(rawValue: reason.code)?.isSecurityEvent ?? true {
                isSecurityEvent = true
                securityEvents.add(reason.code, user: record.user)
            }
        }
        if isSecurityEvent { totals.securityEvents += 1 }
        for type in Self.unique(record.detections) { detections.add(type, user: record.user) }
        let raised = Self.unique(record.alerts)
        for alert in raised { alerts.add(alert, user: record.user) }
        for path in Self.unique(record.filesModified) {
            totals.fileModifications += 1
            files.add(path, user: record.user)
        }
        if record.riskPercent > threshold {
            totals.highRisk += 1
            highRiskUsers.add(record.user, user: record.user)
            keepHighRisk(HighRiskActivity.Record(trail: trail, seq: record.seq, time: record.time, user: record.user, model: record.model,
                                                 riskPercent: record.riskPercent, outcome: outcome.rawValue, reasons: codes, alerts: raised))
        }
        if let policy = record.policy {
            policies[policy.digest, default: ComplianceReport.PolicySeen(identity: policy, decisions: 0)].decisions += 1
        }
        if controls != nil { addEvidence(record, trail: trail, outcome) }
    }

    /// `value` added to `total`, refused when the sum would not fit.
    static func add(_ value: Int, to total: inout Int, _ location: @autoclosure () -> String) throws(AuditError) {
        let (sum, overflow) = total.addingReportingOverflow(value)
        guard !overflow else { throw AuditError(.badInput, "\(location()): the period's sums exceed what a report can add up (2^63)") }
        total = sum
    }

    /// The values without repeats, first occurrence kept: a decision counts once per name.
    private static func unique(_ values: [String]) -> [String] {
        guard values.count > 1 else { return values }
        var seen = Set<String>()
        return values.filter { seen.insert($0).inserted }
    }

    /// A high-risk record's rank: riskier first, then older, then read earlier.
    private struct RiskRank: Comparable, Sendable {
        var record: HighRiskActivity.Record
        var arrival: Int

        /// Whether `left` ranks after `right` (the heap's minimum is the one to drop first).
        static func < (left: RiskRank, right: RiskRank) -> Bool {
            if left.record.riskPercent != right.record.riskPercent { return left.record.riskPercent < right.record.riskPercent }
            if left.record.time != right.record.time { return left.record.time > right.record.time }
            return left.arrival > right.arrival
        }

        static func == (left: RiskRank, right: RiskRank) -> Bool { left.arrival == right.arrival }
    }

    /// Keeps `record` if it is among the `top` riskiest so far: a heap of the `top` kept, its
    /// minimum the first to go, so that any `top` costs O(log top) a record.
    private mutating func keepHighRisk(_ record: HighRiskActivity.Record) {
        let rank = RiskRank(record: record, arrival: totals.highRisk)
        guard let top else {
            highRisk.insert(rank)
            return
        }
        guard top > 0 else { return }
        if highRisk.count < top {
            highRisk.insert(rank)
        } else if let weakest = highRisk.minimum, weakest < rank {
            highRisk.removeMinimum()
            highRisk.insert(rank)
        }
    }

    /// Counts the decision for every control whose rule gave a reason, alert was raised or
    /// playbook started in it.
    private mutating func addEvidence(_ record: AuditReportRecord, trail: Int, _ outcome: Decision.Outcome) {
        var references = record.reasons.map { "rule:" + $0.rule }
        references += record.alerts.map { "alert:" + $0 }
        references += record.playbooks.map { "playbook:" + $0 }
        var touched = Set<Int>()
        var counted = Set<[Int]>()
        for reference in references {
            for (control, implementer) in implementers[reference] ?? [] where counted.insert([control, implementer]).inserted {
                touched.insert(control)
                controls![control].implementedBy[implementer].decisions += 1
                switch outcome {
                case .allow: controls![control].implementedBy[implementer].allowed += 1
                case .deny: controls![control].implementedBy[implementer].denied += 1
                case .requireApproval: controls![control].implementedBy[implementer].approvalRequired += 1
                }
            }
        }
        for control in touched {
            controls![control].decisions += 1
            let evidence = ControlEvidence.Decision(trail: trail, seq: record.seq, time: record.time)
            if let first = controls![control].first, first.time <= record.time {} else { controls![control].first = evidence }
            if let last = controls![control].last, last.time > record.time {} else { controls![control].last = evidence }
        }
    }

    /// The report.
    func report(trails: [ComplianceReport.TrailRead], policy: PolicyIdentity?) -> ComplianceReport {
        var ranked = highRisk
        var riskiest: [HighRiskActivity.Record] = []
        while let rank = ranked.removeMinimum() { riskiest.append(rank.record) }
        riskiest.reverse()
        var totals = self.totals
        totals.sessions = sessions.count
        totals.uniqueUsers = users.count
        return ComplianceReport(
            from: from, to: to, top: top, trails: trails, policy: policy,
            policyDecisions: policy.map { policies[$0.digest]?.decisions ?? 0 }, totals: totals, timeline: timeline,
            models: models.ranked(by: .count, top: top), costByUser: byUser.ranked(by: .cost, top: top),
            costByTeam: byTeam.ranked(by: .cost, top: top), costByModel: models.ranked(by: .cost, top: top),
            securityEvents: securityEvents.ranked(by: .count, top: top), detections: detections.ranked(by: .count, top: top),
            alerts: alerts.ranked(by: .count, top: top), fileModifications: files.ranked(by: .count, top: top),
            highRisk: HighRiskActivity(thresholdPercent: threshold, thresholdFromPolicy: thresholdFromPolicy,
                                       byUser: highRiskUsers.ranked(by: .count, top: top), records: riskiest),
            controls: controls,
            policies: policies.values.sorted {
                $0.decisions != $1.decisions ? $0.decisions > $1.decisions : $0.identity.digest < $1.identity.digest
            },
            trailEvents: trailEvents.ranked(by: .count, top: nil))
    }
}
