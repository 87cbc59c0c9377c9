/// The JSON form of rules, alerts, playbooks, channels and controls
/// (docs/compiled-format.md, "Rules", "Alerts and playbooks").
extension CompiledRule {
    enum Key: String, CaseIterable {
        case id, effect, reason, message, condition, stage, redact, alerts, incidents, controls, source
    }

    init(document value: JSONTree, path: String) throws(CompiledPolicyError) {
        let object = try DocumentObject<Key>(value, path)
        self.init(id: try object.string(.id), effect: try object.optionalWord(.effect), reason: try object.word(.reason),
                  message: try object.optionalString(.message),
                  condition: try Condition(document: object.value(.condition) ?? .null(), path: object.child(.condition)),
                  stage: try object.word(.stage), redact: try object.strings(.redact), alerts: try object.strings(.alerts),
                  incidents: try object.strings(.incidents), controls: try object.strings(.controls), source: try object.string(.source))
    }

    var documentJSON: JSONTree {
        .keyed([
            (Key.id, .string(id)), (.effect, .optional(effect)), (.reason, .word(reason)), (.message, .optional(message)),
            (.condition, condition.documentJSON), (.stage, .word(stage)), (.redact, .strings(redact)), (.alerts, .strings(alerts)),
            (.incidents, .strings(incidents)), (.controls, .strings(controls)), (.source, .string(source)),
        ])
    }
}

extension CompiledAlert {
    enum Key: String, CaseIterable {
        case name, condition, severity, actions, blocks, incidents, controls, source
    }

    init(document value: JSONTree, path: String) throws(CompiledPolicyError) {
        let object = try DocumentObject<Key>(value, path)
        self.init(name: try object.string(.name),
                  condition: try Condition(document: object.value(.condition) ?? .null(), path: object.child(.condition)),
                  severity: try object.word(.severity), actions: try object.strings(.actions), blocks: try object.bool(.blocks),
                  incidents: try object.strings(.incidents), controls: try object.strings(.controls), source: try object.string(.source))
    }

    var documentJSON: JSONTree {
        .keyed([
            (Key.name, .string(name)), (.condition, condition.documentJSON), (.severity, .word(severity)), (.actions, .strings(actions)),
            (.blocks, .bool(blocks)), (.incidents, .strings(incidents)), (.controls, .strings(controls)), (.source, .string(source)),
        ])
    }
}

extension CompiledPlaybook {
    enum Key: String, CaseIterable {
        case incident, severity, trigger, blocks, reason, actions, controls, source
    }

    init(document value: JSONTree, path: String) throws(CompiledPolicyError) {
        let object = try DocumentObject<Key>(value, path)
        self.init(incident: try object.string(.incident), severity: try object.word(.severity),
                  trigger: try Condition(document: object.value(.trigger) ?? .null(), path: object.child(.trigger)),
                  blocks: try object.bool(.blocks), reason: try object.word(.reason), actions: try object.strings(.actions),
                  controls: try object.strings(.controls), source: try object.string(.source))
    }

    var documentJSON: JSONTree {
        .keyed([
            (Key.incident, .string(incident)), (.severity, .word(severity)), (.trigger, trigger.documentJSON), (.blocks, .bool(blocks)),
            (.reason, .word(reason)), (.actions, .strings(actions)), (.controls, .strings(controls)), (.source, .string(source)),
        ])
    }
}

extension CompiledChannel {
    enum Key: String, CaseIterable {
        case name, target, source
    }

    init(document value: JSONTree, path: String) throws(CompiledPolicyError) {
        let object = try DocumentObject<Key>(value, path)
        self.init(name: try object.string(.name), target: try object.string(.target), source: try object.string(.source))
    }

    var documentJSON: JSONTree { .keyed([(Key.name, .string(name)), (.target, .string(target)), (.source, .string(source))]) }
}

extension CompiledControl {
    enum Key: String, CaseIterable {
        case id, description, implementedBy = "implemented_by", source
    }

    init(document value: JSONTree, path: String) throws(CompiledPolicyError) {
        let object = try DocumentObject<Key>(value, path)
        self.init(id: try object.string(.id), description: try object.string(.description),
                  implementedBy: try object.strings(.implementedBy), source: try object.string(.source))
    }

    var documentJSON: JSONTree {
        .keyed([(Key.id, .string(id)), (.description, .string(description)), (.implementedBy, .strings(implementedBy)), (.source, .string(source))])
    }
}
