import PolicyRuntime

/// Pass one: record every declaration and report duplicates.
extension Checker {
    mutating func collect() {
        for syntax in files {
            let file = syntax.file
            for declaration in syntax.declarations {
                switch declaration {
                case .model(let model): collectModel(model, file)
                case .vocabulary(let list): collectVocabulary(list, file)
                case .patterns(let list): reportDuplicate(symbols.patternLists.add(list, file), list, "pattern list", file)
                case .internalDomains(let domains): symbols.internalDomains.append(Declared(syntax: domains, file: file))
                case .role(let role): reportDuplicate(symbols.roles.add(role, file), role, "role", file)
                case .rule(let rule): reportDuplicate(symbols.rules.add(rule, file), rule, "rule", file)
                case .alert(let alert): reportDuplicate(symbols.alerts.add(alert, file), alert, "alert", file)
                case .playbook(let playbook): reportDuplicate(symbols.playbooks.add(playbook, file), playbook, "playbook for", file)
                case .budget(let budget): reportDuplicate(symbols.budgets.add(budget, file), budget, "budget", file)
                case .rateLimit(let limit): reportDuplicate(symbols.rateLimits.add(limit, file), limit, "rate limit", file)
                case .usage(let usage):
                    if let first = symbols.usage {
                        error(.duplicateDeclaration, "usage settings are already declared", file, usage.span,
                              help: firstDeclared(first.file, first.syntax.span))
                    } else {
                        symbols.usage = Declared(syntax: usage, file: file)
                    }
                case .control(let control): reportDuplicate(symbols.controls.add(control, file), control, "control", file)
                case .channel(let channel):
                    if SymbolTable.implicitChannels.contains(channel.name.text) {
                        error(.duplicateDeclaration, "channel `\(channel.name.text)` is built in", file, channel.name.span,
                              help: "`notify(user)` and `notify(manager)` reach the requesting user and their manager")
                    } else {
                        reportDuplicate(symbols.channels.add(channel, file), channel, "channel", file)
                    }
                case .audit(let audit):
                    if let first = symbols.audit {
                        error(.duplicateDeclaration, "audit settings are already declared", file, audit.span,
                              help: firstDeclared(first.file, first.syntax.span))
                    } else {
                        symbols.audit = Declared(syntax: audit, file: file)
                    }
                case .retention(let retention):
                    if let first = symbols.retention {
                        error(.duplicateDeclaration, "retention settings are already declared", file, retention.span,
                              help: firstDeclared(first.file, first.syntax.span))
                    } else {
                        symbols.retention = Declared(syntax: retention, file: file)
                    }
                case .placeholders(let placeholders):
                    symbols.placeholders.append(Declared(syntax: placeholders, file: file))
                case .test:
                    break  // checked last, against everything else (Checker+Tests)
                case .detector(let detector): reportDuplicate(symbols.detectors.add(detector, file), detector, "detector", file)
                }
            }
        }
    }

    /// Records in the symbol index where each declared name is declared (the first declaration
    /// of a name; a repeat is an error, not a second definition). An incident type may be declared
    /// twice over: in `incidents` and by its playbook.
    mutating func indexDeclarations() {
        for declared in symbols.models.all {
            let id = declared.syntax.id.value
            resolved.symbols.add(.model, id, declared.syntax.id, declared.file, declaration: true)
            for alias in declared.syntax.aliases where symbols.modelNames[alias.value] == id {
                resolved.symbols.add(.model, id, alias, declared.file, declaration: true)
            }
        }
        let tables: [(SymbolIndex.Kind, [(name: Name, file: SourceFile)])] = [
            (.role, symbols.roles.declaredNames), (.feature, symbols.features.declaredNames),
            (.operation, symbols.operations.declaredNames), (.incident, symbols.incidents.declaredNames),
            (.incident, symbols.playbooks.declaredNames), (.action, symbols.customActions.declaredNames),
            (.patternList, symbols.patternLists.declaredNames), (.detector, symbols.detectors.declaredNames),
            (.channel, symbols.channels.declaredNames), (.alert, symbols.alerts.declaredNames),
            (.budget, symbols.budgets.declaredNames), (.rateLimit, symbols.rateLimits.declaredNames),
            (.rule, symbols.rules.declaredNames),
        ]
        for (kind, names) in tables {
            for (name, file) in names { resolved.symbols.add(kind, name.text, name, file, declaration: true) }
        }
        for declared in symbols.controls.all {
            resolved.symbols.add(.control, declared.syntax.id.value, declared.syntax.id, declared.file, declaration: true)
        }
    }

    /// Reports a second declaration of a name, pointing back at the first.
    private mutating func reportDuplicate<Syntax: NamedSyntax>(_ earlier: Declared<Syntax>?, _ syntax: Syntax, _ what: String,
                                                               _ file: SourceFile) {
        guard let earlier else { return }
        let name = syntax.declaredName
        error(.duplicateDeclaration, "\(what) `\(name.text)` is already declared", file, name.span,
              help: firstDeclared(earlier.file, earlier.syntax.declaredName.span))
    }

    private mutating func collectModel(_ model: ModelSyntax, _ file: SourceFile) {
        let id = model.id.value
        if let owner = symbols.modelNames[id], symbols.models[id] == nil {
            error(.duplicateDeclaration, "model name `\(id)` already refers to `\(owner)`", file, model.id.span)
            return
        }
        if let earlier = symbols.models.add(model, file) {
            reportDuplicate(earlier, model, "model", file)
            return
        }
        symbols.modelNames[id] = id
        for alias in model.aliases {
            if let owner = symbols.modelNames[alias.value] {
                error(.duplicateDeclaration, "model name `\(alias.value)` already refers to `\(owner)`", file, alias.span)
            } else {
                symbols.modelNames[alias.value] = id
            }
        }
    }

    private mutating func collectVocabulary(_ list: VocabularySyntax, _ file: SourceFile) {
        for name in list.names {
            let text = name.text
            switch list.kind {
            case .features:
                reportDuplicate(symbols.features.add(name, file), name, "feature", file)
            case .operations:
                reportDuplicate(symbols.operations.add(name, file), name, "operation", file)
            case .incidents:
                if Vocabulary.builtinIncidentTypes.contains(text) {
                    error(.duplicateDeclaration, "incident type `\(text)` is built in", file, name.span)
                } else {
                    reportDuplicate(symbols.incidents.add(name, file), name, "incident type", file)
                }
            case .actions:
                if ActionCatalog.plain.contains(text) || ActionCatalog.parameterised[text] != nil || text.hasPrefix("notify_") {
                    error(.duplicateDeclaration, "action `\(text)` is built in", file, name.span,
                          help: text.hasPrefix("notify_") ? "notifications are declared as channels: `channel \(text.dropFirst(7)) \"…\"`" : nil)
                } else {
                    reportDuplicate(symbols.customActions.add(name, file), name, "action", file)
                }
            }
        }
    }
}
