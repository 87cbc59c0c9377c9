/// A half-open range of UTF-8 byte offsets in one source file.
///
/// Positions are byte offsets, as in Go's `go/token`; line and column are computed only when a
/// message is printed (see ``SourceFile/location(of:)``).
public struct Span: Sendable, Hashable, CustomStringConvertible {
    /// Offset of the first byte.
    public var start: UInt32
    /// Offset one past the last byte.
    public var end: UInt32

    /// Creates a span.
    public init(start: UInt32, end: UInt32) {
        self.start = start
        self.end = max(start, end)
    }

    /// The smallest span covering both.
    public func union(_ other: Span) -> Span {
        Span(start: min(start, other.start), end: max(end, other.end))
    }

    /// An empty span at one offset.
    public static func at(_ offset: UInt32) -> Span { Span(start: offset, end: offset) }

    /// `start..<end`, for debugging.
    public var description: String { "\(start)..<\(end)" }
}
