/// PolicyLang's release version: what `policyc --version` and the C library's
/// `policy_runtime_version()` print (the compiled document's layout has its own
/// ``CompiledPolicy/currentSchemaVersion``).
public enum ReleaseVersion {
    /// `0.1.0`.
    public static let text = "0.1.0"
}
