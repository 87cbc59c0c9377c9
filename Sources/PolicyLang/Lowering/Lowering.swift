import PolicyRuntime

/// Assembles the compiled document from a checked policy: identity and digest, defaults
/// (internal domains, placeholders), and the control-to-implementation map.
public enum Lowering {
    /// Builds the compiled policy. `sources` are the policy's files, root first.
    public static func lower(_ resolved: ResolvedPolicy, name: String, version: Int, sources: [SourceFile]) -> CompiledPolicy {
        var placeholders: [String: String] = [:]
        for entry in DetectorCatalog.entries { placeholders[entry.name] = entry.placeholder }
        // A custom detector's default placeholder is its name in capitals: `[CUSTOMER_ID]`.
        for detector in resolved.detectors {
            placeholders[detector.name] = "[" + detector.name.split(separator: ".").last!.uppercased() + "]"
        }
        // A pattern list's default is `[REDACTED]`, written out so that the document names every
        // placeholder (a missing one is an edited document, not a default).
        for list in resolved.patterns { placeholders[list.name] = "[REDACTED]" }
        for (target, text) in resolved.placeholders { placeholders[target] = text }

        var controls = resolved.controls
        for index in controls.indices {
            let id = controls[index].id
            controls[index].implementedBy = resolved.rules.filter { $0.controls.contains(id) }.map { "rule:\($0.id)" }
                + resolved.alerts.filter { $0.controls.contains(id) }.map { "alert:\($0.name)" }
                + resolved.playbooks.filter { $0.controls.contains(id) }.map { "playbook:\($0.incident)" }
        }

        return CompiledPolicy(
            policy: PolicyIdentity(name: name, version: version, digest: digest(of: sources)),
            sources: sources.map(\.path), models: resolved.models, features: resolved.features,
            operations: resolved.operations, patterns: resolved.patterns,
            internalDomains: Vocabulary.defaultInternalDomains + resolved.internalDomains, roles: resolved.roles,
            rules: resolved.rules, alerts: resolved.alerts, incidentTypes: resolved.incidentTypes,
            playbooks: resolved.playbooks, channels: resolved.channels, customActions: resolved.customActions,
            budgets: resolved.budgets, audit: resolved.audit, retention: resolved.retention, controls: controls,
            placeholders: placeholders, detectors: resolved.detectors, rateLimits: resolved.rateLimits, usage: resolved.usage)
    }

    /// `sha256:` + SHA-256 over each source's own SHA-256 (hex, one per line, root first).
    /// Only contents count, not paths, so the digest is the same wherever the files live.
    public static func digest(of sources: [SourceFile]) -> String {
        let lines = sources.map { SHA256.hex($0.bytes) + "\n" }.joined()
        return "sha256:" + SHA256.hex(Array(lines.utf8))
    }
}
