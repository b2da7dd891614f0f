import NIOCore
import NIOHPACK
import Testing

@testable import Gateway

@Suite("Upstream stream inbox")
struct UpstreamStreamInboxTests {
    typealias Inbox = UpstreamStream.Inbox

    static let metadata: HPACKHeaders = [":status": "200", "x-trace": "t1"]
    static let status = UpstreamStatus(code: .notFound, message: "no such book")

    /// What the consumer sees, one entry per take.
    enum Seen: Equatable {
        case metadata(String?)
        case message(String)
        case status(UpstreamStatus.Code)
        case end
        case empty
    }

    static func inbox(_ parts: [Inbox.Part]) -> Inbox {
        var inbox = Inbox(defersWindowUpdates: false, bufferLimit: 1 << 20)
        for part in parts {
            switch part {
            case .initialMetadata(let headers): inbox.initialMetadata = headers
            case .message(let message): inbox.messages.append(message)
            case .status(let status): inbox.status = status
            }
        }
        return inbox
    }

    static func take(_ inbox: inout Inbox) -> Seen {
        switch inbox.takeNextEvent().0 {
        case .event(.initialMetadata(let headers)): .metadata(headers.first(name: "x-trace"))
        case .event(.message(let message)): .message(String(buffer: message))
        case .event(.status(let status)): .status(status.code)
        case .end: .end
        case .empty: .empty
        }
    }

    @Test(
        "a streaming consumer takes each part once, in order, then the end; the status is still known once taken",
        arguments: [
            ([], [Seen.empty, .empty], false),
            ([.initialMetadata(metadata)], [.metadata("t1"), .empty], false),
            (
                [.initialMetadata(metadata), .message(ByteBuffer(string: "a")), .message(ByteBuffer(string: "b"))],
                [.metadata("t1"), .message("a"), .message("b"), .empty], false
            ),
            (
                [.initialMetadata(metadata), .message(ByteBuffer(string: "a")), .status(status)],
                [.metadata("t1"), .message("a"), .status(.notFound), .end, .end], true
            ),
            ([.status(status)], [.status(.notFound), .end], true),
        ] as [([Inbox.Part], [Seen], Bool)]
    )
    func streamingTakes(parts: [Inbox.Part], expected: [Seen], hasStatus: Bool) {
        var inbox = Self.inbox(parts)
        var seen: [Seen] = []
        for _ in expected { seen.append(Self.take(&inbox)) }
        #expect(seen == expected)
        #expect(inbox.hasStatus == hasStatus)
    }

    @Test("a unary consumer takes the whole response once the status is in, and only once")
    func unaryTake() throws {
        var inbox = Self.inbox([.initialMetadata(Self.metadata), .message(ByteBuffer(string: "book"))])
        let early = inbox.takeUnaryResponse()
        #expect(early == nil, "no status yet")
        inbox.status = Self.status

        let taken = inbox.takeUnaryResponse()
        let response = try #require(taken)
        #expect(response.initialMetadata?.first(name: "x-trace") == "t1")
        #expect(response.message.map { String(buffer: $0) } == "book")
        #expect(response.status == Self.status)

        inbox.status = Self.status  // (a second status for the call, which the state machine never sends)
        let again = inbox.takeUnaryResponse()
        #expect(again == nil, "taken already")
        #expect(inbox.hasStatus, "the call has its status, though the inbox no longer holds it")
        let next = Self.take(&inbox)
        #expect(next == .end)
    }
}
