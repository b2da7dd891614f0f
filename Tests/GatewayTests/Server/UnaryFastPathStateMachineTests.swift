import HTTPTypes
import NIOCore
import NIOHTTPTypes
import Testing

@testable import Gateway

/// The fast path's routing of request parts, without I/O: the claim is a string, and requests whose path starts
/// with `/fast` are claimed with a 10-byte body limit.
@Suite("UnaryFastPath.StateMachine")
struct UnaryFastPathStateMachineTests {
    typealias Machine = UnaryFastPath.StateMachine<String>

    static func head(_ path: String) -> HTTPRequestPart {
        .head(HTTPRequest(method: .post, scheme: "http", authority: "x", path: path))
    }

    static func body(_ text: String) -> HTTPRequestPart { .body(ByteBuffer(string: text)) }

    static func claim(_ head: HTTPRequest) -> (String, limit: Int)? {
        guard let path = head.path, path.hasPrefix("/fast") else { return nil }
        return (path, 10)
    }

    /// A compact name for an action, for table checks.
    static func describe(_ action: Machine.ReadAction) -> String {
        switch action {
        case .none: "none"
        case .forward(.head(let head)): "forward head \(head.path ?? "")"
        case .forward(.body(let buffer)): "forward body \(String(buffer: buffer))"
        case .forward(.end): "forward end"
        case .call(let head, let claim, let body): "call \(head.path ?? "") \(claim) \(String(buffer: body))"
        case .rejectTooLarge(_, let claim): "reject \(claim)"
        case .rejectedBodyEnded: "rejected body ended"
        }
    }

    static func read(_ parts: [HTTPRequestPart], into machine: inout Machine) -> [String] {
        parts.map { Self.describe(machine.read($0, claim: Self.claim)) }
    }

    @Test("a claimed request is collected, in pieces, and called at its end")
    func claimedRequest() {
        var machine = Machine()
        let actions = Self.read([Self.head("/fast/a"), Self.body("ab"), Self.body("cd"), .end(nil)], into: &machine)
        #expect(actions == ["none", "none", "none", "call /fast/a /fast/a abcd"])
        #expect(machine.isCalling)
    }

    @Test("an unclaimed request goes to Hummingbird whole, and its followers too until its response ends")
    func forwarded() {
        var machine = Machine()
        let actions = Self.read(
            [Self.head("/slow"), Self.body("x"), .end(nil), Self.head("/fast/b"), .end(nil)], into: &machine)
        #expect(
            actions == ["forward head /slow", "forward body x", "forward end", "forward head /fast/b", "forward end"])
        machine.forwardedResponseEnded()
        machine.forwardedResponseEnded()
        // Both responses ended: the next request can be claimed again.
        #expect(Self.read([Self.head("/fast/c"), .end(nil)], into: &machine) == ["none", "call /fast/c /fast/c "])
    }

    @Test("pipelined parts wait while the backend is called, then are read in order")
    func pipelinedWhileCalling() {
        var machine = Machine()
        _ = Self.read([Self.head("/fast/a"), .end(nil)], into: &machine)
        let held = Self.read([Self.head("/slow"), .end(nil), Self.head("/fast/b"), .end(nil)], into: &machine)
        #expect(held == ["none", "none", "none", "none"])
        #expect(machine.nextWaitingPart() == nil, "nothing is replayed before the answer")
        machine.answered()
        var replayed: [String] = []
        while let part = machine.nextWaitingPart() {
            replayed.append(Self.describe(machine.read(part, claim: Self.claim)))
        }
        // The slow request is forwarded, and so is the fast one behind it: Hummingbird answers in order.
        #expect(replayed == ["forward head /slow", "forward end", "forward head /fast/b", "forward end"])
    }

    @Test("a body over the limit is rejected once, the rest dropped, then the connection goes on")
    func bodyOverLimit() {
        var machine = Machine()
        let actions = Self.read(
            [Self.head("/fast/a"), Self.body("0123456"), Self.body("789ab"), Self.body("more"), .end(nil)],
            into: &machine)
        #expect(actions == ["none", "none", "reject /fast/a", "none", "rejected body ended"])
        machine.answered()
        #expect(Self.read([Self.head("/fast/b"), .end(nil)], into: &machine) == ["none", "call /fast/b /fast/b "])
    }
}
