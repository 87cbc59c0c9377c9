/// Stable diagnostic codes. Tools and CI filters match on them, so a code never changes meaning;
/// grammar.md lists every one with an example in `Tests/PolicyLangTests/testdata/invalid/`.
public enum DiagnosticCode: String, Sendable, CaseIterable {
    // Lexical problems and input limits.
    /// A byte that starts no token.
    case unexpectedCharacter = "P1001"
    /// A string literal with no closing quote on its line.
    case unterminatedString = "P1002"
    /// A backslash escape the language does not define.
    case invalidEscape = "P1003"
    /// Bytes that are not UTF-8.
    case invalidUTF8 = "P1004"
    /// A token longer than its documented cap.
    case tokenTooLong = "P1005"
    /// A malformed number or unknown unit suffix.
    case invalidNumber = "P1006"
    /// A source file over the size cap.
    case fileTooLarge = "P1007"
    /// A `/regex/` where only strings are allowed (regexes go in pattern lists and `block`).
    case regexNotAllowedHere = "P1008"
    /// A regular expression the engine refuses: bad syntax, a construct that needs backtracking,
    /// an unknown flag, a size limit, or a pattern that matches the empty string.
    case invalidRegex = "P1009"

    // Syntax.
    /// The parser expected something else.
    case expectedToken = "P1101"
    /// Brackets or operators nested deeper than the cap.
    case nestingTooDeep = "P1102"
    /// Diagnostics stopped at the cap.
    case tooManyErrors = "P1103"
    /// A property given twice in one block.
    case duplicateProperty = "P1104"
    /// A block lacks a property it needs.
    case missingProperty = "P1105"

    // Files.
    /// A file without its `policy` header.
    case missingHeader = "P1201"
    /// A second `policy` header in one file.
    case duplicateHeader = "P1202"
    /// Files that import each other.
    case importCycle = "P1203"
    /// An import that cannot be read.
    case importNotFound = "P1204"
    /// More imported files than the cap.
    case tooManyFiles = "P1205"

    // Names.
    /// A role name no declaration defines.
    case unknownRole = "P2001"
    /// A feature outside the declared vocabulary.
    case unknownFeature = "P2002"
    /// An operation outside the declared vocabulary.
    case unknownOperation = "P2003"
    /// A model id or alias no model declares.
    case unknownModel = "P2004"
    /// A detector or category that is not built in.
    case unknownDetector = "P2005"
    /// An alert or playbook action that is neither built in nor declared.
    case unknownAction = "P2006"
    /// An incident type that is unknown or has no playbook.
    case unknownPlaybook = "P2007"
    /// A pattern list no declaration defines.
    case unknownPatternList = "P2008"
    /// A request field that does not exist.
    case unknownField = "P2009"
    /// An action whose target has no handler (e.g. `notify(x)` without `channel x`).
    case actionWithoutHandler = "P2010"
    /// A compliance control that is not declared.
    case unknownControl = "P2011"
    /// An alert no declaration defines.
    case unknownAlert = "P2012"
    /// A word that is not one of the allowed values (audit level, severity, …).
    case unknownValue = "P2013"
    /// A bare name in a condition that means nothing there.
    case unknownName = "P2014"
    /// A custom detector's example it does not find, or a rejected text it does find.
    case detectorExample = "P2015"
    /// A name declared twice.
    case duplicateDeclaration = "P2101"

    // Types and quantities.
    /// Operands of the wrong type.
    case typeMismatch = "P2201"
    /// A quantity in the wrong unit.
    case unitMismatch = "P2202"
    /// A quantity out of range (negative price, 0% threshold, …).
    case invalidQuantity = "P2203"

    // Structure.
    /// Roles that extend each other.
    case inheritanceCycle = "P2301"
    /// A rule with no effect.
    case ruleWithoutEffect = "P2302"

    // Warnings.
    /// A role's context limit above every one of its models' windows.
    case contextAboveModels = "P3001"
    /// A rule whose condition can never hold.
    case unreachableRule = "P3002"
    /// A rule that never changes a decision because an earlier rule always decides first.
    case shadowedRule = "P3003"
    /// A role that grants no model.
    case emptyRole = "P3004"
    /// The same entry twice in a list.
    case duplicateEntry = "P3005"

    // `policyc lint`: one code per item of the guide's security checklist (grammar.md §6).
    /// Access Controls: roles with identical grants.
    case lintAccessControls = "P4001"
    /// Data Classification: data that reaches a model unprotected; patterns that never matter.
    case lintDataClassification = "P4002"
    /// Audit Logging: roles without an audit level; prompts or responses logged unredacted.
    case lintAuditLogging = "P4003"
    /// Encryption: audit records not encrypted at rest.
    case lintEncryption = "P4004"
    /// Monitoring: no alerts, no high-risk alert.
    case lintMonitoring = "P4005"
    /// Incident Response: an incident type without a playbook.
    case lintIncidentResponse = "P4006"
    /// Compliance: no retention; rules, alerts or playbooks not mapped to a control.
    case lintCompliance = "P4007"
    /// Cost Controls: no budgets, or budgets nobody watches.
    case lintCostControls = "P4008"
}
