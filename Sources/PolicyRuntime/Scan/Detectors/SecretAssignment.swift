/// The generic secret detector (`secret.password`): a value given to a name that says it is a
/// secret, in the forms code, configuration and shell commands write it, when the value is a
/// literal that looks like a secret rather than code that computes one.
///
/// The scanner calls it at four anchors: `=` and `:` (``atOperator(_:_:)``: assignments, keys,
/// headers), `-` (``atFlag(_:dash:)``: `--password X`, `curl -u user:pass`), `>`
/// (``atTagEnd(_:_:)``: `<password>…</password>`) and `://` (``urlCredentials(_:schemeSeparator:)``).
/// Each first reads the name next to its anchor, bounded and without allocating; almost every
/// `=` and `:` in code and prose is dropped there, because the name does not end with a keyword.
///
/// **Names.** The keyword must end the name (after an optional number: `TOKEN_2`), so
/// `DB_PASSWORD`, `githubToken`, `x-api-key`, `spring.datasource.password` are secrets and
/// `token_count`, `max_tokens`, `tokenizer`, `password_hint` are not. `pass`, `pwd` and `auth`
/// must be a whole component (`db_pass`, `basicAuth`; not `bypass`, `oauth`, `author`); a
/// cursor is not a token (`nextPageToken`).
///
/// **Values** (``isSecretValue(_:quoted:)``): never code (an identifier, a call, a subscript, an
/// attribute chain, `$VAR`, `${VAR}`, `%(x)s`, `{{ x }}`, `<%= x %>`, a keyword such as `None`),
/// a stand-in (``isStandIn(_:)``), a type annotation, a number, a boolean, a path or a URL.
/// Thresholds, chosen against `SecretAssignmentTests`:
/// - a quoted literal: at least ``minimumLength`` (8) bytes and ``minimumEntropy`` (2.5) bits of
///   Shannon entropy per byte; `"Tr0ub4dor&3x"` has 3.4, `"hunter2hunter2"` 2.8,
///   `"abcabcab"` 1.6. Prose (words of letters separated by spaces) is not a secret, nor is a
///   name (`"challengePassword"`, `"source.rust"`); letters alone in one case must make
///   ``minimumWordsLength`` (16) bytes: `"identifier"` is a word, `"correcthorsebattery"` a
///   passphrase.
/// - a bare value (`.env`, YAML, a flag): the same, and it must start with a letter or digit and
///   mix a letter with a digit or a symbol: a bare run of letters is an identifier or a word.
/// - a bearer token or an `Authorization` value: at least ``minimumTokenLength`` (16) bytes and
///   ``minimumTokenEntropy`` (3.0) bits per byte; `Basic` must decode to `user:password`.
///
/// **Spans** cover the secret value alone (inside its quotes; the password of a URL or of
/// `user:pass`; the credential after `Bearer`), so a redacted text keeps its names and reads as
/// the same code: `password = "[PASSWORD]"`.
enum SecretAssignment {
    /// Fewest bytes of a literal value.
    static let minimumLength = 8
    /// Fewest bits of Shannon entropy per byte of a literal value.
    static let minimumEntropy = 2.5
    /// Fewest bytes of a literal made of letters alone (in one case): shorter, it is a word.
    static let minimumWordsLength = 16
    /// Fewest bytes of a bearer token or bare `Authorization` value.
    static let minimumTokenLength = 16
    /// Fewest bits of Shannon entropy per byte of a bearer token.
    static let minimumTokenEntropy = 3.0

    /// A keyword, folded and without separators (`apikey` stands for `api_key`, `api-key`,
    /// `apiKey`, `APIKEY`). A whole-component keyword must start the name or follow a
    /// non-alphanumeric byte or a lower-case-to-upper-case step. A keyword right after one of
    /// `notAfter` is another thing (`next_page_token` is a cursor).
    struct Keyword: Sendable {
        let bytes: [UInt8]
        let wholeComponent: Bool
        let notAfter: [[UInt8]]
        init(_ word: String, wholeComponent: Bool = false, notAfter: [String] = []) {
            bytes = Array(word.utf8)
            self.wholeComponent = wholeComponent
            self.notAfter = notAfter.map { Array($0.utf8) }
        }
    }

    /// The keywords a name may end with.
    static let keywords: [Keyword] = [
        Keyword("password"), Keyword("passwd"), Keyword("passphrase"), Keyword("pwd", wholeComponent: true),
        Keyword("pass", wholeComponent: true), Keyword("secret"),
        Keyword("token", notAfter: ["page", "next", "continuation", "pagination", "sync", "resume", "cancellation"]), Keyword("apikey"),
        Keyword("accesskey"), Keyword("secretkey"), Keyword("privatekey"), Keyword("signingkey"),
        Keyword("encryptionkey"), Keyword("masterkey"), Keyword("auth", wholeComponent: true),
        Keyword("credential"), Keyword("credentials"),
    ]

    // MARK: - Entry points

    /// `name = value`, `name: value`, `name := value`, `name => value`, `"name": "value"`,
    /// `name="value"` (an XML attribute), `Authorization: Bearer …`, `X-API-Key: …`, where
    /// `index` is the `=` or `:`. `==`, `!=`, `<=`, `+=`, `::`, `://` are not assignments.
    static func atOperator(_ text: UnsafeBufferPointer<UInt8>, _ index: Int) -> Finding? {
        let count = text.count
        let byte = text[index]
        var valueStart = index + 1
        if index > 0 {
            switch text[index - 1] {
            case 0x3D, 0x21, 0x3C, 0x3E, 0x3A, 0x2B, 0x2A, 0x2F, 0x25, 0x26, 0x7C, 0x5E, 0x7E: return nil
            default: break
            }
        }
        if valueStart < count {
            let next = text[valueStart]
            if byte == 0x3D {
                if next == 0x3D || next == 0x7E { return nil }  // == =~
                if next == 0x3E { valueStart += 1 }  // =>
            } else {
                if next == 0x3A || next == 0x2F { return nil }  // :: ://
                if next == 0x3D { valueStart += 1 }  // :=
            }
        }
        let written = name(text, before: index, colon: byte == 0x3A)
        var name: Name?
        var keyValue = false
        if let written {
            // A URL's user (`//token:…@`) is read at its `://`.
            if written.start >= 2, text[written.start - 1] == 0x2F, text[written.start - 2] == 0x2F { return nil }
            if byte == 0x3A, isAuthorizationHeader(text, written.start, written.end) {
                return authorizationHeader(text, from: skipBlanks(text, from: valueStart))
            }
            if byte == 0x3A, !written.quoted, written.end - written.start == 4,
               (0..<4).allSatisfy({ text[written.start + $0] == SecretAssignment.upperPass[$0] }) {
                // `PASS: test name` is a test result (DejaGnu, automake, `go test`), not a password.
            } else if endsWithKeyword(text, written.start, written.end) {
                name = written
            } else if byte == 0x3D, written.end - written.start == 5, ASCIIFold.matches(text, written.start, "value"),
                      let key = keyAttribute(text, before: written.start) {
                // `<add key="ApiKey" value="…"/>`
                name = key
                keyValue = true
            }
        }
        guard let name else { return nil }
        valueStart = skipBlanks(text, from: valueStart)
        // `password: str = "…"`, `token: Optional[str] = …`: the value follows the annotation.
        if byte == 0x3A, let assigned = valueAfterAnnotation(text, from: valueStart) { valueStart = assigned }
        let inQuery = name.start > 0 && (text[name.start - 1] == 0x3F || text[name.start - 1] == 0x26)
        guard let value = value(text, at: valueStart, inQuery: inQuery), isSecretValue(value.bytes(text), quoted: value.quoted) else {
            return nil
        }
        // `auth = 'user:' + password`: a piece of a string being built.
        if value.quoted {
            let after = skipBlanks(text, from: value.end + 1)
            if after < text.count, text[after] == 0x2B { return nil }
        }
        let family: String
        if text[name.start] == 0x2D {
            family = "cli_flag"  // --password=…, -Dspring.datasource.password=…
        } else if keyValue {
            family = "xml_attribute"
        } else if byte == 0x3A, !name.quoted, !value.quoted, isHeaderName(text, name.start, name.end) {
            family = "api_key_header"
        } else if byte == 0x3D, value.quoted, isInsideTag(text, before: name.start) {
            family = "xml_attribute"
        } else {
            family = "assignment"
        }
        return Finding(detector: .password, start: value.start, end: value.end, family: family)
    }

    /// `--password X`, `-password X`, `--token "X"` (family `cli_flag`; `--password=X` is read at
    /// its `=`) and `-u user:pass`, `--user user:pass`, `--user=user:pass` (family `curl_user`),
    /// where `index` is the first dash.
    static func atFlag(_ text: UnsafeBufferPointer<UInt8>, dash index: Int) -> Finding? {
        let count = text.count
        guard index + 3 < count else { return nil }
        if index > 0 {
            let before = text[index - 1]
            guard before == 0x20 || before == 0x09 || before == 0x22 || before == 0x27 || before == 0x0A else { return nil }
        }
        let next = text[index + 1]
        if next == 0x75, text[index + 2] == 0x20 {  // -u
            return userAndPassword(text, from: skipBlanks(text, from: index + 2))
        }
        let nameStart = next == 0x2D ? index + 2 : index + 1
        guard ByteClass.isLetter(text[nameStart]) else { return nil }
        let nameEnd = ByteClass.run(text, from: nameStart, limit: 64) { ByteClass.isWord($0) || $0 == 0x2D }
        guard nameEnd < count, nameEnd - nameStart >= 4 || next == 0x2D else { return nil }
        if nameEnd - nameStart == 4, ASCIIFold.matches(text, nameStart, "user"), text[nameEnd] == 0x3D || text[nameEnd] == 0x20 {
            return userAndPassword(text, from: text[nameEnd] == 0x3D ? nameEnd + 1 : skipBlanks(text, from: nameEnd))
        }
        guard text[nameEnd] == 0x20 || text[nameEnd] == 0x09, endsWithKeyword(text, nameStart, nameEnd),
              let value = value(text, at: skipBlanks(text, from: nameEnd)), isSecretValue(value.bytes(text), quoted: value.quoted)
        else { return nil }
        return Finding(detector: .password, start: value.start, end: value.end, family: "cli_flag")
    }

    /// `<password>value</password>` (family `xml_element`), where `index` is the `>` of the
    /// opening tag; the value is judged as a quoted literal.
    static func atTagEnd(_ text: UnsafeBufferPointer<UInt8>, _ index: Int) -> Finding? {
        guard index > 0, nameFinals.contains(text[index - 1]) else { return nil }
        var nameStart = index
        while nameStart > 0, index - nameStart < 64, isNameByte(text[nameStart - 1]) || text[nameStart - 1] == 0x3A {
            nameStart -= 1
        }
        guard nameStart < index, nameStart > 0, text[nameStart - 1] == 0x3C, endsWithKeyword(text, nameStart, index) else {
            return nil
        }
        let contentEnd = ByteClass.run(text, from: index + 1, limit: 1024) { $0 != 0x3C }
        // The closing tag names the same element.
        let length = index - nameStart
        guard contentEnd + length + 3 <= text.count, text[contentEnd + 1] == 0x2F, text[contentEnd + 2 + length] == 0x3E else {
            return nil
        }
        for offset in 0..<length where text[contentEnd + 2 + offset] != text[nameStart + offset] { return nil }
        var start = index + 1
        var end = contentEnd
        while start < end, ByteClass.isSpace(text[start]) { start += 1 }
        while end > start, ByteClass.isSpace(text[end - 1]) { end -= 1 }
        guard isSecretValue(UnsafeBufferPointer(rebasing: text[start..<end]), quoted: true) else { return nil }
        return Finding(detector: .password, start: start, end: end, family: "xml_element")
    }

    /// The password of `scheme://user:password@host` for schemes that are not databases or
    /// brokers (those are `secret.connection_string`'s, see ``URLScan``), family
    /// `url_credentials`; `index` is the `:` of `://`. The password is judged as a quoted literal.
    static func urlCredentials(_ text: UnsafeBufferPointer<UInt8>, schemeSeparator index: Int) -> Finding? {
        let start = index + 3
        // `#` is allowed: people paste passwords into URLs without escaping them.
        let end = ByteClass.run(text, from: start, limit: 256) { byte in
            byte != 0x40 && byte != 0x2F && byte != 0x3F && !ByteClass.isSpace(byte) && byte != 0x22 && byte != 0x27
                && byte != 0x3C && byte != 0x3E && byte != 0x60
        }
        guard end < text.count, text[end] == 0x40,
              let colon = (start..<end).first(where: { text[$0] == 0x3A }), colon > start else { return nil }
        guard let scheme = URLScan.scheme(text, before: index), !URLScan.isConnection(scheme.name) else { return nil }
        guard isSecretValue(UnsafeBufferPointer(rebasing: text[(colon + 1)..<end]), quoted: true) else { return nil }
        return Finding(detector: .password, start: colon + 1, end: end, family: "url_credentials")
    }

    // MARK: - Names

    /// A name's bytes, and whether it was written in quotes (`"token": …`).
    struct Name {
        let start: Int
        let end: Int
        let quoted: Bool
    }

    /// Letters, digits, `_`, `-` and `.`: the bytes of a name (`spring.datasource.password`).
    @inline(__always) static func isNameByte(_ byte: UInt8) -> Bool {
        ByteClass.isWord(byte) || byte == 0x2D || byte == 0x2E
    }

    /// The bytes a name the detector reads can end with: the last letters of the keywords, of
    /// `authorization` and of `value`, and digits (`TOKEN_2`). Most names before an `=` or a
    /// `:` are dropped by this one test, before the name is read.
    static let nameFinals = ByteSet("dehlnstyDEHLNSTY0-9")

    /// The name before an operator at `index`: blanks, an optional closing quote, an optional
    /// `?` (TypeScript's `apiKey?: string`), then at most 64 name bytes, ending with a byte of
    /// ``nameFinals``.
    static func name(_ text: UnsafeBufferPointer<UInt8>, before index: Int, colon: Bool) -> Name? {
        var end = index
        while end > 0, index - end < 64, text[end - 1] == 0x20 || text[end - 1] == 0x09 { end -= 1 }
        var quoted = false
        if end > 0, text[end - 1] == 0x22 || text[end - 1] == 0x27 {
            quoted = true
            end -= 1
        } else if colon, end > 0, text[end - 1] == 0x3F {
            end -= 1
        }
        guard end > 0, nameFinals.contains(text[end - 1]) else { return nil }
        var start = end
        while start > 0, end - start < 64, isNameByte(text[start - 1]) { start -= 1 }
        guard start < end else { return nil }
        if quoted, start == 0 || text[start - 1] != text[end] { return nil }
        return Name(start: start, end: end, quoted: quoted)
    }

    /// Where the value starts when a type annotation at `index` is followed by `=`
    /// (`str = "…"`, `&str = "…"`, `Optional[str] = …`); nil when it is not.
    static func valueAfterAnnotation(_ text: UnsafeBufferPointer<UInt8>, from index: Int) -> Int? {
        let end = ByteClass.run(text, from: index, limit: 48) { byte in
            ByteClass.isWord(byte) || byte == 0x20 || byte == 0x09 || byte == 0x26 || byte == 0x3F || byte == 0x5B || byte == 0x5D
                || byte == 0x3C || byte == 0x3E || byte == 0x2C || byte == 0x2E || byte == 0x2A || byte == 0x7C
        }
        guard end > index, end + 1 < text.count, text[end] == 0x3D, text[end + 1] != 0x3D, text[end + 1] != 0x3E,
              ByteClass.isWord(text[index]) || text[index] == 0x26 else { return nil }
        return skipBlanks(text, from: end + 1)
    }

    /// Whether the name `text[start..<end]` ends with a keyword, after an optional number
    /// (`password2`, `TOKEN_2`). Separators inside the keyword are skipped (`api_key`, `api-key`).
    static func endsWithKeyword(_ text: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Bool {
        var last = end
        while last > start, ByteClass.isDigit(text[last - 1]) { last -= 1 }
        if last < end, last > start, text[last - 1] == 0x5F || text[last - 1] == 0x2D { last -= 1 }
        guard last > start else { return false }
        let final = ASCIIFold.table[Int(text[last - 1])]
        for keyword in keywords where keyword.bytes[keyword.bytes.count - 1] == final {
            var position = last
            var remaining = keyword.bytes.count
            while remaining > 0, position > start {
                let byte = text[position - 1]
                if remaining < keyword.bytes.count, byte == 0x5F || byte == 0x2D {
                    position -= 1
                    continue
                }
                guard ASCIIFold.table[Int(byte)] == keyword.bytes[remaining - 1] else { break }
                remaining -= 1
                position -= 1
            }
            guard remaining == 0, !keyword.notAfter.contains(where: { endsWithFolded(text, start, position, $0) }) else { continue }
            if !keyword.wholeComponent || position == start { return true }
            let before = text[position - 1]
            if !ByteClass.isAlnum(before) || (ByteClass.isUpper(text[position]) && !ByteClass.isUpper(before)) { return true }
        }
        return false
    }

    /// Whether `text[start..<end]`, without a trailing `_` or `-`, ends with `word` (lower-case
    /// ASCII), ignoring ASCII case.
    static func endsWithFolded(_ text: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, _ word: [UInt8]) -> Bool {
        var end = end
        if end > start, text[end - 1] == 0x5F || text[end - 1] == 0x2D { end -= 1 }
        guard end - start >= word.count else { return false }
        for offset in 0..<word.count where ASCIIFold.table[Int(text[end - word.count + offset])] != word[offset] { return false }
        return true
    }

    /// `Authorization` and `Proxy-Authorization`.
    static func isAuthorizationHeader(_ text: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Bool {
        let length = end - start
        if length == 13 { return ASCIIFold.matches(text, start, "authorization") }
        return length == 19 && ASCIIFold.matches(text, start, "proxy-authorization")
    }

    /// A name written as an HTTP header: words joined by `-`, nothing else (`X-API-Key`).
    static func isHeaderName(_ text: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Bool {
        var dashes = 0
        for index in start..<end {
            let byte = text[index]
            if byte == 0x2D { dashes += 1 } else if !ByteClass.isAlnum(byte) { return false }
        }
        return dashes > 0
    }

    /// The content of a `key="…"` attribute ending with a keyword, in the same tag before
    /// `index` (.NET's `<add key="ApiKey" value="…"/>`).
    static func keyAttribute(_ text: UnsafeBufferPointer<UInt8>, before index: Int) -> Name? {
        var position = index
        while position > 0, index - position < 256 {
            let byte = text[position - 1]
            if byte == 0x3C || byte == 0x3E || byte == 0x0A { return nil }
            position -= 1
            guard byte == 0x22 || byte == 0x27, position >= 4, text[position - 1] == 0x3D, ASCIIFold.matches(text, position - 4, "key"),
                  position == 4 || !ByteClass.isWord(text[position - 5]) else { continue }
            let end = ByteClass.run(text, from: position + 1, limit: 64) { $0 != byte && $0 != 0x0A }
            guard end < text.count, text[end] == byte, endsWithKeyword(text, position + 1, end) else { return nil }
            return Name(start: position + 1, end: end, quoted: true)
        }
        return nil
    }

    /// Whether a `<tag` opens on the same line before `index` and has not closed.
    static func isInsideTag(_ text: UnsafeBufferPointer<UInt8>, before index: Int) -> Bool {
        var position = index
        while position > 0, index - position < 512 {
            let byte = text[position - 1]
            if byte == 0x3C { return position < text.count && ByteClass.isLetter(text[position]) }
            if byte == 0x3E || byte == 0x0A { return false }
            position -= 1
        }
        return false
    }

    // MARK: - Values

    /// A value's bytes (inside its quotes when quoted).
    struct Value {
        let start: Int
        let end: Int
        let quoted: Bool
        func bytes(_ text: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
            UnsafeBufferPointer(rebasing: text[start..<end])
        }
    }

    @inline(__always) static func skipBlanks(_ text: UnsafeBufferPointer<UInt8>, from index: Int) -> Int {
        ByteClass.run(text, from: index, limit: 64) { $0 == 0x20 || $0 == 0x09 }
    }

    @inline(__always) static func isQuote(_ byte: UInt8) -> Bool { byte == 0x22 || byte == 0x27 || byte == 0x60 }

    /// The value at `index`: a quoted string (with an optional Python prefix, `b"…"`; a string
    /// that does not close on its line is not a value), or a bare run up to a blank, `,` `;`, `&` (in
    /// a URL's query, when `inQuery`),
    /// a quote or a closing bracket. An f-string is code.
    static func value(_ text: UnsafeBufferPointer<UInt8>, at index: Int, inQuery: Bool = false) -> Value? {
        let count = text.count
        guard index < count else { return nil }
        var open = index
        if index + 1 < count, isQuote(text[index + 1]) {
            switch text[index] | 0x20 {
            case 0x66: return nil  // f"…{x}…"
            case 0x62, 0x72, 0x75: open = index + 1
            default: break
            }
        }
        let quote = text[open]
        if isQuote(quote) {
            var position = open + 1
            while position < count, position - open < 512 {
                let byte = text[position]
                if byte == quote { return Value(start: open + 1, end: position, quoted: true) }
                if byte == 0x0A { return nil }
                position += byte == 0x5C ? 2 : 1
            }
            return nil
        }
        let end = ByteClass.run(text, from: index, limit: 512) { byte in
            !ByteClass.isSpace(byte) && byte != 0x2C && byte != 0x3B && (byte != 0x26 || !inQuery) && !isQuote(byte) && byte != 0x29
                && byte != 0x5D && byte != 0x7D
        }
        guard end > index else { return nil }
        return Value(start: index, end: end, quoted: false)
    }

    /// Whether a value is a literal secret (see the type's summary for the rules).
    static func isSecretValue(_ value: UnsafeBufferPointer<UInt8>, quoted: Bool) -> Bool {
        guard value.count >= minimumLength, !isStandIn(value), !isNumberOrPath(value) else { return false }
        if quoted {
            if isProse(value) || isName(value) { return false }
        } else {
            guard ByteClass.isAlnum(value[0]), !isCode(value), hasLetterAndDigitOrSymbol(value), !isSlug(value) else { return false }
            // `=` inside a bare value is another assignment (`id=x,src=y`); at its end, base64 padding.
            if let equals = value.firstIndex(of: 0x3D), value[equals...].contains(where: { $0 != 0x3D }) { return false }
        }
        return Entropy.bitsPerByte(value) >= minimumEntropy
    }

    /// Variables and template expressions: `$VAR`, `${VAR}`, `$(cmd)`, `%VAR%`, `%(x)s`, `%s`,
    /// `{{ x }}`, `{x}`, `#{x}`, `<%= x %>`, `<token>`, `{…}` and `[…]` literals.
    static func isTemplate(_ value: UnsafeBufferPointer<UInt8>) -> Bool {
        switch value[0] {
        case 0x24, 0x3C, 0x7B, 0x5B, 0x28: return true  // $ < { [ (
        case 0x25: return value.count > 1 && (ByteClass.isLetter(value[1]) || value[1] == 0x28)  // %VAR% %(x)s
        default: break
        }
        var index = 0
        while index + 1 < value.count {
            let byte = value[index]
            let next = value[index + 1]
            if byte == 0x24, next == 0x7B || next == 0x28 { return true }  // ${ $(
            if byte == 0x7B || byte == 0x23 || byte == 0x3C, next == 0x7B || next == 0x25 { return true }  // {{ {% #{ <%
            if byte == 0x25, next == 0x28 || next == 0x73 || next == 0x64 { return true }  // %( %s %d
            if byte == 0x7B {
                // `{name}` and `{}`: a format string.
                let close = ByteClass.run(value, from: index + 1, limit: 32, ByteClass.isWord)
                if close < value.count, value[close] == 0x7D { return true }
            }
            index += 1
        }
        return false
    }

    /// Whether a value stands for a secret instead of being one (``Placeholder/isStandInValue(_:)``:
    /// `password`, `changeme`, `xxx`, `your_…`, `EXAMPLE`, `***`…), or is a variable or template
    /// (`${…}`, `<…>`). ``URLScan`` uses it for the passwords of connection strings.
    static func isStandIn(_ value: UnsafeBufferPointer<UInt8>) -> Bool {
        value.isEmpty || isTemplate(value) || Placeholder.isStandInValue(value)
    }

    /// Numbers (`1024`, `3.14`, `2024-01-15`, `0x1F`), paths (`/run/secrets/db`, `./key`,
    /// `~/.netrc`) and URLs.
    static func isNumberOrPath(_ value: UnsafeBufferPointer<UInt8>) -> Bool {
        if value.allSatisfy({ ByteClass.isDigit($0) || $0 == 0x2E || $0 == 0x2D || $0 == 0x5F || $0 == 0x3A || $0 == 0x2B }) {
            return true
        }
        if value.count > 2, value[0] == 0x30, value[1] | 0x20 == 0x78, value[2...].allSatisfy(ByteClass.isHex) { return true }
        switch value[0] {
        case 0x2F, 0x7E: return true
        case 0x2E: return value.count > 1 && (value[1] == 0x2F || value[1] == 0x2E)
        default: break
        }
        return ASCIIFold.contains(value, schemeSeparator)
    }

    private static let schemeSeparator = Array("://".utf8)
    /// `PASS` of a test log's `PASS: name`, which is not a password.
    private static let upperPass = Array("PASS".utf8)

    /// Words of letters and punctuation separated by spaces: a message, not a secret
    /// (`"Enter your password"`, `optional; leave empty if not used.`).
    static func isProse(_ value: UnsafeBufferPointer<UInt8>) -> Bool {
        var spaces = 0
        for byte in value {
            switch byte {
            case 0x20: spaces += 1
            case 0x21, 0x22, 0x27, 0x28, 0x29, 0x2C, 0x2D, 0x2E, 0x3A, 0x3B, 0x3F: break  // ! " ' ( ) , - . : ; ?
            default: if !ByteClass.isLetter(byte) { return false }
            }
        }
        return spaces > 0
    }

    /// Letters joined by `_`, `.` or `-`, or in mixed case, with no digit or other symbol: a
    /// name (`"challengePassword"`, `"_RSAPrivateKey"`, `"variable.other.source"`), not a
    /// secret. Letters in one case are a word (`"identifier"`) below ``minimumWordsLength``
    /// bytes and may be a passphrase run together above (`"correcthorsebattery"`).
    static func isName(_ value: UnsafeBufferPointer<UInt8>) -> Bool {
        var lower = false
        var upper = false
        var separated = false
        for byte in value {
            if byte &- 0x61 < 26 {
                lower = true
            } else if ByteClass.isUpper(byte) {
                upper = true
            } else if byte == 0x5F || byte == 0x2E || byte == 0x2D {
                separated = true
            } else {
                return false
            }
        }
        return separated || (lower && upper) || value.count < minimumWordsLength
    }

    /// Code in a bare value: an identifier followed by `(`, `[` or `<` (`getpass.getpass()`,
    /// `os.environ["X"]`, `List<String>`), an attribute chain (`config.api_key`,
    /// `process.env.TOKEN`), a bracket or `|` anywhere (`true|false`) or a range (`start..<end`).
    static func isCode(_ value: UnsafeBufferPointer<UInt8>) -> Bool {
        var previous: UInt8 = 0
        for byte in value {
            switch byte {
            case 0x28, 0x29, 0x3C, 0x3E, 0x5B, 0x5D, 0x7B, 0x7D, 0x7C: return true
            case 0x2E where previous == 0x2E: return true
            default: previous = byte
            }
        }
        var index = 0
        var segments = 0
        while index < value.count, ByteClass.isLetter(value[index]) || value[index] == 0x5F {
            index = ByteClass.run(value, from: index, ByteClass.isWord)
            segments += 1
            guard index + 1 < value.count, value[index] == 0x2E || (value[index] == 0x3A && value[index + 1] == 0x3A) else { break }
            index += value[index] == 0x2E ? 1 : 2
        }
        return index == value.count && segments > 1
    }

    /// A letter, and a digit or a symbol other than `_`, `-` and `.`: `hunter2hunter2`,
    /// `S3cr3t!`, not `user_supplied` or `AutoTokenizer`.
    static func hasLetterAndDigitOrSymbol(_ value: UnsafeBufferPointer<UInt8>) -> Bool {
        var letter = false
        var other = false
        for byte in value {
            if ByteClass.isLetter(byte) { letter = true } else if byte != 0x5F && byte != 0x2D && byte != 0x2E { other = true }
        }
        return letter && other
    }

    /// Lower-case words joined by `-`, `_` or `.` with at most two digits: a name
    /// (`basic-auth-v1`, `db.credentials.v2`), not a key.
    static func isSlug(_ value: UnsafeBufferPointer<UInt8>) -> Bool {
        var separators = 0
        var digits = 0
        for byte in value {
            if byte == 0x2D || byte == 0x5F || byte == 0x2E {
                separators += 1
            } else if ByteClass.isDigit(byte) {
                digits += 1
            } else if !(byte &- 0x61 < 26) {
                return false
            }
        }
        return separators > 0 && digits <= 2
    }

    // MARK: - Headers and user:password

    /// The credential of an `Authorization` header value at `index`: `Bearer`/`Token` + a
    /// token (``minimumTokenLength``, ``minimumTokenEntropy``), `Basic` + base64 of
    /// `user:password`, or a single token with no scheme. Quotes around the value are allowed.
    static func authorizationHeader(_ text: UnsafeBufferPointer<UInt8>, from index: Int) -> Finding? {
        var start = index
        if start < text.count, isQuote(text[start]) { start += 1 }
        let first = ByteClass.run(text, from: start, limit: 1024) { !ByteClass.isSpace($0) && !isQuote($0) && $0 != 0x2C }
        guard first > start else { return nil }
        var credential = start..<first
        var basic = false
        if first < text.count, text[first] == 0x20 {
            let length = first - start
            basic = length == 5 && ASCIIFold.matches(text, start, "basic")
            guard basic || (length == 6 && ASCIIFold.matches(text, start, "bearer")) || (length == 5 && ASCIIFold.matches(text, start, "token"))
            else { return nil }
            let tokenStart = skipBlanks(text, from: first)
            let tokenEnd = ByteClass.run(text, from: tokenStart, limit: 4096) { !ByteClass.isSpace($0) && !isQuote($0) && $0 != 0x2C }
            credential = tokenStart..<tokenEnd
        }
        let token = UnsafeBufferPointer(rebasing: text[credential])
        guard !token.isEmpty, !isTemplate(token) else { return nil }
        if basic {
            guard let decoded = Base64URL.decode(token), let colon = decoded.firstIndex(of: 0x3A), colon > 0,
                  decoded.allSatisfy({ $0 >= 0x20 && $0 != 0x7F }) else { return nil }
            let password = Array(decoded[(colon + 1)...])
            guard password.count >= 4, !password.withUnsafeBufferPointer(Placeholder.isStandInWord) else { return nil }
        } else {
            guard token.count >= minimumTokenLength, !isStandIn(token), Entropy.bitsPerByte(token) >= minimumTokenEntropy else {
                return nil
            }
        }
        return Finding(detector: .password, start: credential.lowerBound, end: credential.upperBound, family: "authorization_header")
    }

    /// `user:password` at `index` (quoted or bare), the argument of `curl -u`/`--user`: the
    /// password, judged as a quoted literal, is the finding (family `curl_user`).
    static func userAndPassword(_ text: UnsafeBufferPointer<UInt8>, from index: Int) -> Finding? {
        guard let value = value(text, at: index) else { return nil }
        let userEnd = ByteClass.run(text, from: value.start, limit: 128) { ByteClass.isWord($0) || $0 == 0x2D || $0 == 0x2E || $0 == 0x40 }
        guard userEnd > value.start, userEnd < value.end, text[userEnd] == 0x3A else { return nil }
        guard isSecretValue(UnsafeBufferPointer(rebasing: text[(userEnd + 1)..<value.end]), quoted: true) else { return nil }
        return Finding(detector: .password, start: userEnd + 1, end: value.end, family: "curl_user")
    }
}
