/// Actions alerts and playbooks may list, in the guide's spelling.
///
/// Notifications are written `notify(channel)` or, in the guide's spelling, `notify_channel`;
/// both compile to `notify_<channel>`; `create_incident(type)` compiles to `create_incident` and starts the
/// playbook of `type`.
public enum ActionCatalog {
    /// Actions that take no parameter.
    public static let plain: [String] = [
        "block_request", "block_user_immediately", "create_incident", "throttle_requests",
        "revoke_all_tokens", "preserve_evidence", "initiate_forensics", "log_full_context",
        "update_filters", "require_mfa", "monitor_closely",
    ]

    /// Actions that deny the request that raised the alert or started the playbook.
    public static let blocking: Set<String> = ["block_request", "block_user_immediately"]

    /// Channels every policy has without declaring them: `notify(user)`, `notify(manager)`.
    public static let implicitChannels = ["user", "manager"]

    /// Actions that take a parameter, and what the parameter names.
    public static let parameterised: [String: ActionParameter] = [
        "notify": .channel,
        "create_incident": .incidentType,
    ]
}

/// What the parameter of a parameterised action refers to.
public enum ActionParameter: Sendable, Equatable {
    /// A declared `channel`.
    case channel
    /// An incident type with a playbook.
    case incidentType
}
