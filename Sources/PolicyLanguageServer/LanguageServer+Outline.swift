import PolicyLang
import PolicyRuntime

/// `textDocument/documentSymbol`: the outline of one file, one entry per declaration (vocabulary
/// lists with an entry per name), from the file parsed alone — no policy is checked for it, and a
/// file with errors still has one.
extension LanguageServer {
    /// The protocol's `SymbolKind` numbers the outline uses.
    private enum OutlineKind: Int {
        case module = 2, namespace = 3, method = 6, enumeration = 10, interface = 11, function = 12, constant = 14, number = 16
        case array = 18, key = 20, enumMember = 22, structure = 23, event = 24, classType = 5
    }

    mutating func documentSymbols(_ params: JSONTree?) throws(Failure) -> JSONTree {
        guard let path = LanguageServer.path(params?.member("textDocument")) else {
            throw Failure(code: .invalidParams, message: "`textDocument.uri` must be a file: URI")
        }
        guard case .success(let bytes) = workspace.reader.read(path) else { return .array([]) }
        let syntax = Parser.parse(SourceFile(path: path, bytes: bytes)).syntax
        let document = LSPTextDocument(bytes: bytes)
        func range(_ span: Span) -> JSONTree {
            LSPJSON.range(document.position(of: Int(span.start)), document.position(of: Int(span.end)))
        }
        /// A declaration being typed may have a name but no block yet, so its span can end
        /// before its name: the range covers both, as the protocol requires of selectionRange.
        func symbol(_ name: String, _ detail: String, _ kind: OutlineKind, _ span: Span, _ selection: Span,
                    children: [JSONTree] = []) -> JSONTree {
            var members: [JSONTree.Member] = [
                .init("name", .string(name.isEmpty ? "(unnamed)" : name)), .init("detail", .string(detail)),
                .init("kind", .integer(kind.rawValue)), .init("range", range(span.union(selection))),
                .init("selectionRange", range(selection)),
            ]
            if !children.isEmpty { members.append(.init("children", .array(children))) }
            return .object(members)
        }
        var out: [JSONTree] = []
        if let header = syntax.header { out.append(symbol(header.name.value, "policy", .module, header.span, header.name.span)) }
        for declaration in syntax.declarations {
            switch declaration {
            case .model(let model): out.append(symbol(model.id.value, "model", .structure, model.span, model.id.span))
            case .vocabulary(let list):
                let children = list.names.map { symbol($0.text, String(list.kind.rawValue.dropLast()), .enumMember, $0.span, $0.span) }
                out.append(symbol(list.kind.rawValue, "", .enumeration, list.span, list.span, children: children))
            case .patterns(let list): out.append(symbol(list.name.text, "patterns", .array, list.span, list.name.span))
            case .internalDomains(let domains): out.append(symbol("internal_domains", "", .namespace, domains.span, domains.span))
            case .role(let role):
                out.append(symbol(role.name.text, role.parent.map { "role extends \($0.text)" } ?? "role", .classType, role.span, role.name.span))
            case .rule(let rule): out.append(symbol(rule.name.text, "rule", .function, rule.span, rule.name.span))
            case .alert(let alert): out.append(symbol(alert.name.text, "alert", .event, alert.span, alert.name.span))
            case .playbook(let playbook): out.append(symbol(playbook.incident.text, "playbook", .event, playbook.span, playbook.incident.span))
            case .channel(let channel): out.append(symbol(channel.name.text, "channel", .interface, channel.span, channel.name.span))
            case .budget(let budget): out.append(symbol(budget.name.text, "budget", .number, budget.span, budget.name.span))
            case .rateLimit(let limit): out.append(symbol(limit.name.text, "rate_limit", .number, limit.span, limit.name.span))
            case .usage(let usage): out.append(symbol("usage", "", .namespace, usage.span, usage.span))
            case .audit(let audit): out.append(symbol("audit", "", .namespace, audit.span, audit.span))
            case .retention(let retention): out.append(symbol("retention", "", .namespace, retention.span, retention.span))
            case .control(let control): out.append(symbol(control.id.value, "control", .key, control.span, control.id.span))
            case .placeholders(let placeholders): out.append(symbol("placeholders", "", .namespace, placeholders.span, placeholders.span))
            case .test(let test): out.append(symbol(test.name.text, "test", .method, test.span, test.name.span))
            case .detector(let detector): out.append(symbol(detector.name.text, "detector", .constant, detector.span, detector.name.span))
            }
        }
        return .array(out)
    }
}
