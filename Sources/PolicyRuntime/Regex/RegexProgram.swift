/// A Thompson NFA as a program for a Pike VM: `split` lists its preferred branch first, which
/// is how leftmost-first (Perl-like) priority is kept without backtracking.
struct RegexProgram: Sendable {
    enum Instruction: Sendable, Equatable {
        /// Consume one scalar from `sets[index]`.
        case scalars(Int)
        /// Try `preferred` first, then `other`.
        case split(preferred: Int, other: Int)
        case jump(Int)
        case assertion(RegexAssertion)
        case match
    }

    /// Largest program accepted: counted repetition multiplies a pattern's size.
    static let maximumInstructions = 20_000

    private(set) var instructions: [Instruction] = []
    private(set) var sets: [ScalarSet] = []

    /// Compiles a parsed pattern.
    /// - Throws: when counted repetition makes the program larger than ``maximumInstructions``.
    init(_ node: RegexNode) throws(RegexSyntaxError) {
        try emit(node)
        instructions.append(.match)
    }

    private mutating func append(_ instruction: Instruction) throws(RegexSyntaxError) -> Int {
        guard instructions.count < RegexProgram.maximumInstructions else {
            throw RegexSyntaxError(message: "pattern too large once its repetitions are expanded (over \(RegexProgram.maximumInstructions) steps)",
                                   offset: 0)
        }
        instructions.append(instruction)
        return instructions.count - 1
    }

    private mutating func emit(_ node: RegexNode) throws(RegexSyntaxError) {
        switch node {
        case .empty:
            break
        case .scalars(let set):
            let index = sets.firstIndex(of: set) ?? sets.count
            if index == sets.count { sets.append(set) }
            _ = try append(.scalars(index))
        case .concat(let items):
            for item in items { try emit(item) }
        case .alternate(let branches):
            // split L1, next; L1: branch0; jump end; next: split L2, … ; last branch.
            var jumps: [Int] = []
            for (position, branch) in branches.enumerated() {
                if position < branches.count - 1 {
                    let split = try append(.split(preferred: 0, other: 0))
                    try emit(branch)
                    jumps.append(try append(.jump(0)))
                    instructions[split] = .split(preferred: split + 1, other: instructions.count)
                } else {
                    try emit(branch)
                }
            }
            for jump in jumps { instructions[jump] = .jump(instructions.count) }
        case .repetition(let body, let minimum, let maximum, let greedy):
            if let maximum {
                for _ in 0..<minimum { try emit(body) }
                // Each optional copy: split body, skip — nested so a later copy needs the earlier.
                var skips: [Int] = []
                for _ in minimum..<maximum {
                    let split = try append(.split(preferred: 0, other: 0))
                    try emit(body)
                    skips.append(split)
                }
                for split in skips { instructions[split] = branch(greedy, split + 1, instructions.count) }
            } else if minimum > 0 {
                // `x{n,}` is n-1 copies and `x+`, as RE2 simplifies it.
                for _ in 1..<minimum { try emit(body) }
                try emitPlus(body, greedy: greedy)
            } else if body.canBeEmpty {
                // RE2 compiles `x*` as `(x+)?` when x can match the empty string: in a single
                // `split body, end` loop an empty iteration comes back to a split already visited
                // in this step and dies, so the body's lower-priority (consuming) paths outrank
                // ending the loop — `x(?:|a)*` would match `xaaa` where RE2 and Perl match `x`.
                // Entered through the `?`, the empty iteration reaches `+`'s split first, and
                // leaving there keeps the empty path's priority.
                let quest = try append(.split(preferred: 0, other: 0))
                try emitPlus(body, greedy: greedy)
                instructions[quest] = branch(greedy, quest + 1, instructions.count)
            } else {
                // loop: split body, end; body; jump loop.
                let split = try append(.split(preferred: 0, other: 0))
                try emit(body)
                _ = try append(.jump(split))
                instructions[split] = branch(greedy, split + 1, instructions.count)
            }
        case .assertion(let kind):
            _ = try append(.assertion(kind))
        }
    }

    /// `x+`: body; split body, end — the loop goes back to the same copy of the body.
    private mutating func emitPlus(_ body: RegexNode, greedy: Bool) throws(RegexSyntaxError) {
        let loop = instructions.count
        try emit(body)
        let split = try append(.split(preferred: 0, other: 0))
        instructions[split] = branch(greedy, loop, split + 1)
    }

    private func branch(_ greedy: Bool, _ body: Int, _ skip: Int) -> Instruction {
        greedy ? .split(preferred: body, other: skip) : .split(preferred: skip, other: body)
    }
}
