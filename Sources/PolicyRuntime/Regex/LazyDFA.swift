/// A lazily built DFA over a program without assertions: each state is an ordered set of NFA
/// states (the Pike VM's thread list, deduplicated), built the first time the search reaches it
/// and then reused, so a scan costs about one table lookup per ASCII byte.
///
/// Forward, it follows the Pike VM's leftmost-first rules exactly (threads after a match are cut;
/// no new match is started once one has been found) and reports where the leftmost-first match
/// ends. Backward, over the reversed program, it keeps every thread and reports the earliest
/// start of a match ending there — which, the forward match being leftmost, is its start.
///
/// States live for one call (so the regex stays immutable and shareable); more than
/// ``maximumStates`` makes the search give up, and the caller falls back to the Pike VM.
struct LazyDFA {
    /// States built per search before giving up (bounds time and memory on adversarial patterns).
    static let maximumStates = 2_000

    private let instructions: [RegexProgram.Instruction]
    private let sets: [ScalarSet]
    /// Forward: leftmost-first with cuts and restarts; backward: all threads, anchored.
    private let leftmostFirst: Bool

    private struct Key: Hashable {
        var pcs: [Int]
        var matchSeen: Bool
    }

    private var keys: [Key] = []
    /// Whether each state holds a match thread.
    private var matching: [Bool] = []
    private var index: [Key: Int] = [:]
    /// `transitions[state * 128 + byte]`: the next state for an ASCII scalar, -1 when not built.
    private var transitions: [Int32] = []
    private var marks: [Int]
    private var generation = 0
    private var stack: [Int] = []

    init(program: RegexProgram, leftmostFirst: Bool) {
        instructions = program.instructions
        sets = program.sets
        self.leftmostFirst = leftmostFirst
        marks = [Int](repeating: -1, count: program.instructions.count)
    }

    /// Whether a program can run on this DFA: no assertions.
    static func supports(_ program: RegexProgram) -> Bool {
        !program.instructions.contains { if case .assertion = $0 { return true } else { return false } }
    }

    /// Adds the closure of `pc` (jumps and splits followed, preferred first) to `list`.
    private mutating func close(_ pc: Int, into list: inout [Int]) {
        stack.removeAll(keepingCapacity: true)
        stack.append(pc)
        while let pc = stack.popLast() {
            if marks[pc] == generation { continue }
            marks[pc] = generation
            switch instructions[pc] {
            case .jump(let target): stack.append(target)
            case .split(let preferred, let other):
                stack.append(other)
                stack.append(preferred)
            case .scalars, .match: list.append(pc)
            case .assertion: break  // not supported here (see `supports`)
            }
        }
    }

    /// The state for a list of threads, built if new; nil when the state budget is spent.
    private mutating func state(_ pcs: [Int], matchSeen: Bool) -> Int? {
        var pcs = pcs
        // Leftmost-first: threads after a match have lower priority and can never win.
        if leftmostFirst, let matchAt = pcs.firstIndex(where: { instructions[$0] == .match }) {
            pcs.removeSubrange((matchAt + 1)...)
        }
        let key = Key(pcs: pcs, matchSeen: matchSeen)
        if let existing = index[key] { return existing }
        guard keys.count < LazyDFA.maximumStates else { return nil }
        index[key] = keys.count
        keys.append(key)
        matching.append(pcs.contains { instructions[$0] == .match })
        transitions += [Int32](repeating: -1, count: 128)
        return keys.count - 1
    }

    private func isMatch(_ state: Int) -> Bool { matching[state] }

    private func isDead(_ state: Int) -> Bool { keys[state].pcs.isEmpty }

    /// The state after consuming `scalar`.
    private mutating func step(_ state: Int, _ scalar: UInt32) -> Int? {
        if scalar < 128 {
            let cached = transitions[state * 128 + Int(scalar)]
            if cached >= 0 { return Int(cached) }
        }
        let current = keys[state]
        generation += 1
        var next: [Int] = []
        var matchSeen = current.matchSeen
        for pc in current.pcs {
            switch instructions[pc] {
            case .match: matchSeen = true
            case .scalars(let set): if sets[set].contains(scalar) { close(pc + 1, into: &next) }
            default: break
            }
        }
        // Forward, a match may still start after this scalar until one has been found.
        if leftmostFirst, !matchSeen { close(0, into: &next) }
        guard let target = self.state(next, matchSeen: matchSeen) else { return nil }
        if scalar < 128 { transitions[state * 128 + Int(scalar)] = Int32(target) }
        return target
    }

    private mutating func startState() -> Int? {
        generation += 1
        var list: [Int] = []
        close(0, into: &list)
        return state(list, matchSeen: false)
    }

    /// Forward: the end of the leftmost-first match starting at or after `from`; `.some(nil)`
    /// when there is none; nil when the state budget ran out.
    mutating func matchEnd(_ text: UnsafeBufferPointer<UInt8>, from: Int) -> Int?? {
        guard var state = startState() else { return nil }
        var end: Int?
        var position = from
        while true {
            if isMatch(state) { end = position }
            if position >= text.count { break }
            let (scalar, length) = LinearRegex.decode(text, at: position)
            guard let next = step(state, scalar) else { return nil }
            state = next
            position += length
            if isDead(state) { break }
        }
        return .some(end)
    }

    /// Backward over the reversed program: the earliest start (not before `limit`) of a match
    /// that ends at `end`; nil when the state budget ran out.
    mutating func matchStart(_ text: UnsafeBufferPointer<UInt8>, end: Int, limit: Int) -> Int?? {
        guard var state = startState() else { return nil }
        var start: Int?
        var position = end
        while true {
            if isMatch(state) { start = position }
            if position <= limit { break }
            guard let previous = LinearRegex.previousStart(text, before: position) else { break }
            guard let next = step(state, LinearRegex.decode(text, at: previous).value) else { return nil }
            state = next
            position = previous
            if isDead(state) { break }
        }
        return .some(start)
    }
}
