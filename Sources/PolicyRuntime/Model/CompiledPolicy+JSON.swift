import Foundation

/// Reading and writing the compiled document in its canonical form.
extension CompiledPolicy {
    /// Canonical bytes: sorted keys, two-space indentation, unescaped slashes, a final newline.
    /// The same policy always gives the same bytes, so documents can be diffed and hashed.
    public func canonicalJSON() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let compact = try encoder.encode(self)
        return Data(JSONLayout.indent([UInt8](compact)))
    }

    /// Loads a compiled document, checking `schema_version` before anything else so that a
    /// document from a newer compiler gets a clear error instead of a confusing field error.
    /// - Throws: ``CompiledPolicyError`` naming what is wrong.
    public static func load(from data: Data) throws -> CompiledPolicy {
        struct VersionProbe: Decodable {
            let schemaVersion: Int?
            enum CodingKeys: String, CodingKey { case schemaVersion = "schema_version" }
        }
        let probe: VersionProbe
        do {
            probe = try JSONDecoder().decode(VersionProbe.self, from: data)
        } catch {
            throw CompiledPolicyError.notJSON(describe(error))
        }
        guard let version = probe.schemaVersion else { throw CompiledPolicyError.missingSchemaVersion }
        guard version == currentSchemaVersion else {
            throw CompiledPolicyError.unsupportedSchemaVersion(found: version, supported: currentSchemaVersion)
        }
        do {
            return try JSONDecoder().decode(CompiledPolicy.self, from: data)
        } catch {
            throw CompiledPolicyError.invalidDocument(describe(error))
        }
    }

    /// Turns a `DecodingError` into one line naming the JSON path, e.g. `roles[2].models: expected array`.
    private static func describe(_ error: Error) -> String {
        func path(_ keys: [CodingKey]) -> String {
            var text = ""
            for key in keys {
                if let index = key.intValue {
                    text += "[\(index)]"
                } else {
                    text += text.isEmpty ? key.stringValue : "." + key.stringValue
                }
            }
            return text.isEmpty ? "document" : text
        }
        guard let decoding = error as? DecodingError else { return "\(error)" }
        switch decoding {
        case .typeMismatch(let type, let context):
            return "\(path(context.codingPath)): expected \(type)"
        case .valueNotFound(let type, let context):
            return "\(path(context.codingPath)): missing \(type) value"
        case .keyNotFound(let key, let context):
            return "\(path(context.codingPath + [key])): required field is missing"
        case .dataCorrupted(let context):
            let underlying = (context.underlyingError as NSError?)?.userInfo[NSDebugDescriptionErrorKey] as? String
            return "\(path(context.codingPath)): \(underlying ?? context.debugDescription)"
        @unknown default:
            return "\(error)"
        }
    }
}

/// Why a compiled document could not be loaded.
public enum CompiledPolicyError: Error, Equatable, CustomStringConvertible {
    /// The bytes are not JSON.
    case notJSON(String)
    /// No `schema_version` field.
    case missingSchemaVersion
    /// A layout version this build does not read.
    case unsupportedSchemaVersion(found: Int, supported: Int)
    /// JSON of the wrong shape.
    case invalidDocument(String)

    /// One line for people.
    public var description: String {
        switch self {
        case .notJSON(let detail): return "not a JSON document: \(detail)"
        case .missingSchemaVersion: return "not a compiled policy: `schema_version` is missing"
        case .unsupportedSchemaVersion(let found, let supported):
            return "unsupported schema_version \(found): this build reads version \(supported)"
        case .invalidDocument(let detail): return "invalid compiled policy: \(detail)"
        }
    }
}
