/// Adds a trail's records up into a ``ComplianceReport``, one record at a time, so that a trail
/// of any length is reported in bounded memory (what grows is one entry per distinct user,
/// session, team, model, file and reason).
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
    /// The riskiest records so far, at most `top` of them, riskiest first.
    private var highRisk: [HighRiskActivity.Record] = []
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

    /// Counts one record, if it falls in the period.
    /// - Throws: ``AuditError`` (`badInput`) for a decision whose `outcome` is not one of the three.
    mutating func add(_ record: AuditReportRecord, at location: @autoclosure () -> String) throws(AuditError) {
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

        let spends = record.countsAsSpend
        let tokensIn = spends ? record.tokensIn : 0
        let tokensOut = spends ? record.tokensOut : 0
        let cost = spends ? record.costMicros : 0
        totals.tokensIn += tokensIn
        totals.tokensOut += tokensOut
        totals.costMicros += cost
        models.add(record.model, user: record.user, tokensIn: tokensIn, tokensOut: tokensOut, costMicros: cost)
        byUser.add(record.user, user: record.user, tokensIn: tokensIn, tokensOut: tokensOut, costMicros: cost)
        byTeam.add(record.team, user: record.user, tokensIn: tokensIn, tokensOut: tokensOut, costMicros: cost)

        var isSecurityEvent = !record.detections.isEmpty || !record.alerts.isEmpty
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
        var types: [String] = []
        for type in record.detections where !types.contains(type) {
            types.append(type)
            detections.add(type, user: record.user)
        }
        for alert in record.alerts { alerts.add(alert, user: record.user) }
        for path in record.filesModified {
            totals.fileModifications += 1
            files.add(path, user: record.user)
        }
        if record.riskPercent > threshold {
            totals.highRisk += 1
            highRiskUsers.add(record.user, user: record.user)
            keepHighRisk(HighRiskActivity.Record(seq: record.seq, time: record.time, user: record.user, model: record.model,
                                                 riskPercent: record.riskPercent, outcome: outcome.rawValue, reasons: codes,
                                                 alerts: record.alerts))
        }
        if let policy = record.policy {
            policies[policy.digest, default: ComplianceReport.PolicySeen(identity: policy, decisions: 0)].decisions += 1
        }
        if controls != nil { addEvidence(record, outcome) }
    }

    /// Keeps `record` if it is among the `top` riskiest so far (riskier, then older, first).
    private mutating func keepHighRisk(_ record: HighRiskActivity.Record) {
        func before(_ a: HighRiskActivity.Record, _ b: HighRiskActivity.Record) -> Bool {
            a.riskPercent != b.riskPercent ? a.riskPercent > b.riskPercent : a.time != b.time ? a.time < b.time : a.seq < b.seq
        }
        if let top, highRisk.count >= top {
            guard top > 0, let last = highRisk.last, before(record, last) else { return }
            highRisk.removeLast()
        }
        let index = highRisk.firstIndex { before(record, $0) } ?? highRisk.count
        highRisk.insert(record, at: index)
    }

    /// Counts the decision for every control whose rule gave a reason, alert was raised or
    /// playbook started in it.
    private mutating func addEvidence(_ record: AuditReportRecord, _ outcome: Decision.Outcome) {
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
            if controls![control].firstSeq == nil || record.time < controls![control].firstTime {
                controls![control].firstSeq = record.seq
                controls![control].firstTime = record.time
            }
            if controls![control].lastSeq == nil || record.time >= controls![control].lastTime {
                controls![control].lastSeq = record.seq
                controls![control].lastTime = record.time
            }
        }
    }

    /// The report.
    func report(trails: [ComplianceReport.TrailRead], policy: PolicyIdentity?) -> ComplianceReport {
        var totals = self.totals
        totals.sessions = sessions.count
        totals.uniqueUsers = users.count
        return ComplianceReport(
            from: from, to: to, top: top, trails: trails, policy: policy, totals: totals, timeline: timeline,
            models: models.ranked(by: .count, top: top), costByUser: byUser.ranked(by: .cost, top: top),
            costByTeam: byTeam.ranked(by: .cost, top: top), costByModel: models.ranked(by: .cost, top: top),
            securityEvents: securityEvents.ranked(by: .count, top: top), detections: detections.ranked(by: .count, top: top),
            alerts: alerts.ranked(by: .count, top: top), fileModifications: files.ranked(by: .count, top: top),
            highRisk: HighRiskActivity(thresholdPercent: threshold, thresholdFromPolicy: thresholdFromPolicy,
                                       byUser: highRiskUsers.ranked(by: .count, top: top), records: highRisk),
            controls: controls,
            policies: policies.values.sorted {
                $0.decisions != $1.decisions ? $0.decisions > $1.decisions : $0.identity.digest < $1.identity.digest
            },
            trailEvents: trailEvents.ranked(by: .count, top: nil))
    }
}
