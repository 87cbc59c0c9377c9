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
                case .patterns(let list):
                    if let first = symbols.patternLists[list.name.text] {
                        duplicate("pattern list", list.name, file, first.syntax.name.span, first.file)
                    } else {
                        symbols.patternLists[list.name.text] = Declared(syntax: list, file: file)
                        symbols.patternListOrder.append(list.name.text)
                    }
                case .internalDomains(let domains):
                    symbols.internalDomains.append(Declared(syntax: domains, file: file))
                case .role(let role):
                    if let first = symbols.roles[role.name.text] {
                        duplicate("role", role.name, file, first.syntax.name.span, first.file)
                    } else {
                        symbols.roles[role.name.text] = Declared(syntax: role, file: file)
                        symbols.roleOrder.append(role.name.text)
                    }
                case .rule(let rule):
                    if let first = symbols.ruleNames[rule.name.text] {
                        duplicate("rule", rule.name, file, first.syntax.name.span, first.file)
                    } else {
                        let declared = Declared(syntax: rule, file: file)
                        symbols.ruleNames[rule.name.text] = declared
                        symbols.rules.append(declared)
                    }
                case .alert(let alert):
                    if let first = symbols.alerts[alert.name.text] {
                        duplicate("alert", alert.name, file, first.syntax.name.span, first.file)
                    } else {
                        symbols.alerts[alert.name.text] = Declared(syntax: alert, file: file)
                        symbols.alertOrder.append(alert.name.text)
                    }
                case .playbook(let playbook):
                    if let first = symbols.playbooks[playbook.incident.text] {
                        duplicate("playbook for", playbook.incident, file, first.syntax.incident.span, first.file)
                    } else {
                        symbols.playbooks[playbook.incident.text] = Declared(syntax: playbook, file: file)
                        symbols.playbookOrder.append(playbook.incident.text)
                    }
                case .channel(let channel):
                    if let first = symbols.channels[channel.name.text] {
                        duplicate("channel", channel.name, file, first.syntax.name.span, first.file)
                    } else if SymbolTable.implicitChannels.contains(channel.name.text) {
                        error(.duplicateDeclaration, "channel `\(channel.name.text)` is built in", file, channel.name.span,
                              help: "`notify(user)` and `notify(manager)` reach the requesting user and their manager")
                    } else {
                        symbols.channels[channel.name.text] = Declared(syntax: channel, file: file)
                        symbols.channelOrder.append(channel.name.text)
                    }
                case .budget(let budget):
                    if let first = symbols.budgetNames[budget.name.text] {
                        duplicate("budget", budget.name, file, first.syntax.name.span, first.file)
                    } else {
                        let declared = Declared(syntax: budget, file: file)
                        symbols.budgetNames[budget.name.text] = declared
                        symbols.budgets.append(declared)
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
                case .control(let control):
                    if let first = symbols.controls[control.id.value] {
                        error(.duplicateDeclaration, "control `\(control.id.value)` is already declared", file, control.id.span,
                              help: firstDeclared(first.file, first.syntax.id.span))
                    } else {
                        symbols.controls[control.id.value] = Declared(syntax: control, file: file)
                        symbols.controlOrder.append(control.id.value)
                    }
                case .placeholders(let placeholders):
                    symbols.placeholders.append(Declared(syntax: placeholders, file: file))
                }
            }
        }
    }

    private mutating func duplicate(_ what: String, _ name: Name, _ file: SourceFile, _ firstSpan: Span, _ firstFile: SourceFile) {
        error(.duplicateDeclaration, "\(what) `\(name.text)` is already declared", file, name.span,
              help: firstDeclared(firstFile, firstSpan))
    }

    private mutating func collectModel(_ model: ModelSyntax, _ file: SourceFile) {
        let id = model.id.value
        if let existing = symbols.modelNames[id] {
            let first = symbols.models[existing]!
            error(.duplicateDeclaration, "model `\(id)` is already declared", file, model.id.span,
                  help: firstDeclared(first.file, first.syntax.id.span))
            return
        }
        symbols.models[id] = Declared(syntax: model, file: file)
        symbols.modelNames[id] = id
        symbols.modelOrder.append(id)
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
                if let first = symbols.features[text] {
                    duplicate("feature", name, file, first.name.span, first.file)
                } else {
                    symbols.features[text] = DeclaredName(name: name, file: file)
                    symbols.featureOrder.append(text)
                }
            case .operations:
                if let first = symbols.operations[text] {
                    duplicate("operation", name, file, first.name.span, first.file)
                } else {
                    symbols.operations[text] = DeclaredName(name: name, file: file)
                    symbols.operationOrder.append(text)
                }
            case .incidents:
                if Vocabulary.builtinIncidentTypes.contains(text) {
                    error(.duplicateDeclaration, "incident type `\(text)` is built in", file, name.span)
                } else if let first = symbols.declaredIncidents[text] {
                    duplicate("incident type", name, file, first.name.span, first.file)
                } else {
                    symbols.declaredIncidents[text] = DeclaredName(name: name, file: file)
                    symbols.incidentOrder.append(text)
                }
            case .actions:
                if ActionCatalog.plain.contains(text) || ActionCatalog.parameterised[text] != nil || text.hasPrefix("notify_") {
                    error(.duplicateDeclaration, "action `\(text)` is built in", file, name.span,
                          help: text.hasPrefix("notify_") ? "notifications are declared as channels: `channel \(text.dropFirst(7)) \"…\"`" : nil)
                } else if let first = symbols.customActions[text] {
                    duplicate("action", name, file, first.name.span, first.file)
                } else {
                    symbols.customActions[text] = DeclaredName(name: name, file: file)
                    symbols.customActionOrder.append(text)
                }
            }
        }
    }
}
