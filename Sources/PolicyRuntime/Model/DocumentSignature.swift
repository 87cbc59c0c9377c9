import Foundation

/// A key that signs or verifies compiled documents (HMAC-SHA256), as OPA's signed bundles do:
/// an enforcement point that verifies with the key CI signed with loads only documents CI made.
///
/// The key's bytes never appear in any output: `description` shows the id only.
public struct DocumentKey: Sendable, CustomStringConvertible {
    /// Names the key in the document's `signature.key_id`, so keys can be rotated.
    public let id: String
    /// The secret.
    let bytes: [UInt8]

    /// The shortest key accepted, in bytes: the size of the HMAC-SHA256 output (RFC 2104 §3).
    public static let minimumBytes = 32
    /// The id written when none is given.
    public static let defaultID = "default"

    /// A key from its bytes.
    /// - Throws: ``DocumentKeyError`` for a key shorter than ``minimumBytes`` or an empty id.
    public init(id: String = DocumentKey.defaultID, bytes: [UInt8]) throws(DocumentKeyError) {
        guard !id.isEmpty, id.utf8.count <= 256, !id.unicodeScalars.contains(where: { $0.value < 0x20 }) else {
            throw DocumentKeyError("a key id must be 1 to 256 bytes without control characters")
        }
        guard bytes.count >= DocumentKey.minimumBytes else {
            throw DocumentKeyError("the key has \(bytes.count) bytes; at least \(DocumentKey.minimumBytes) are needed "
                                   + "(make one with `openssl rand -hex 32 > FILE`)")
        }
        self.id = id
        self.bytes = bytes
    }

    /// A key from a file: its bytes, less one final line break (`\n` or `\r\n`), so that a key
    /// written by `openssl rand -hex 32 > FILE` or an editor is the same key on every machine.
    public init(id: String = DocumentKey.defaultID, contentsOfFile path: String) throws(DocumentKeyError) {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw DocumentKeyError("cannot read the key file `\(path)`")
        }
        var bytes = [UInt8](data)
        if bytes.last == 0x0A {
            bytes.removeLast()
            if bytes.last == 0x0D { bytes.removeLast() }
        }
        do {
            try self.init(id: id, bytes: bytes)
        } catch {
            throw DocumentKeyError("key file `\(path)`: \(error.message)")
        }
    }

    /// `DocumentKey(id: …)`, never the secret.
    public var description: String { "DocumentKey(id: \(id))" }
}

/// Why a key could not be used.
public struct DocumentKeyError: Error, Sendable, Equatable, CustomStringConvertible {
    /// One line for people; never contains key material.
    public let message: String

    init(_ message: String) { self.message = message }

    /// The message.
    public var description: String { message }
}

/// The `signature` of a compiled document: `{key_id, algorithm: "hmac-sha256", mac}`, where `mac`
/// is the hex HMAC-SHA256 of the bytes `document_digest` is computed over.
struct DocumentSignature: Sendable, Equatable {
    /// The only algorithm: HMAC with SHA-256.
    static let algorithm = "hmac-sha256"

    enum Key: String, CaseIterable {
        case keyID = "key_id", algorithm, mac
    }

    let keyID: String
    let mac: String

    init(key: DocumentKey, content: [UInt8]) {
        keyID = key.id
        mac = HMACSHA256.hex(key: key.bytes, message: content)
    }

    init(document value: JSONTree, path: String) throws(CompiledPolicyError) {
        let object = try DocumentObject<Key>(value, path)
        let algorithm = try object.string(.algorithm)
        guard algorithm == DocumentSignature.algorithm else {
            throw DocumentValue.error(object.child(.algorithm), "unknown algorithm \(JSONWriter.quoted(algorithm)); expected `hmac-sha256`")
        }
        keyID = try object.string(.keyID)
        mac = try object.string(.mac)
        guard mac.utf8.count == 64, mac.utf8.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x66) }) else {
            throw DocumentValue.error(object.child(.mac), "expected 64 lower-case hex digits")
        }
    }

    var documentJSON: JSONTree {
        .keyed([(Key.keyID, .string(keyID)), (.algorithm, .string(DocumentSignature.algorithm)), (.mac, .string(mac))])
    }

    /// Checks the MAC against the key, in constant time.
    func verify(_ key: DocumentKey, content: [UInt8]) throws(CompiledPolicyError) {
        guard keyID == key.id else { throw .signedWithOtherKey(documentKeyID: keyID, verifierKeyID: key.id) }
        let expected = HMACSHA256.mac(key: key.bytes, message: content)
        guard let written = Hex.decode(mac), HMACSHA256.equalInConstantTime(written, expected) else { throw .badSignature }
    }
}
