import NIOCore
import Testing

@testable import Gateway

@Suite("Received-message queue")
struct MessageQueueTests {
    /// A script of steps: a number appends the message of that byte, `nil` pops and expects what the order says.
    @Test(
        "messages come out in the order they went in, however appends and takes interleave",
        arguments: [
            [1, nil],
            [1, 2, 3, nil, nil, nil, nil],
            [1, 2, nil, 3, nil, 4, nil, nil, 5, nil],
            [nil, 1, nil, nil, 2, 3, nil, 4, nil, nil],
        ] as [[UInt8?]]
    )
    func order(script: [UInt8?]) {
        var queue = MessageQueue<ByteBuffer>()
        var expected: [UInt8] = []
        for step in script {
            if let byte = step {
                queue.append(ByteBuffer(bytes: [byte]))
                expected.append(byte)
            } else {
                let taken = queue.popFirst().map { Array($0.readableBytesView) }
                #expect(taken == (expected.isEmpty ? nil : [expected.removeFirst()]))
            }
            #expect(queue.isEmpty == expected.isEmpty)
        }
    }

    private final class Message {
        let index: Int
        init(_ index: Int) { self.index = index }
    }

    /// A stream whose consumer stays behind (back-pressure) never drains its queue: what it took must still go.
    @Test("a consumer that stays behind: taken messages are released, the queue holds only those not taken")
    func takenMessagesReleased() {
        var queue = MessageQueue<Message>()
        var taken: [Weak] = []
        queue.append(Message(0))
        queue.append(Message(1))
        for index in 2..<500 {
            queue.append(Message(index))
            let message = queue.popFirst()
            #expect(message?.index == index - 2)
            taken.append(Weak(message))
        }
        #expect(taken.allSatisfy { $0.object == nil }, "taken messages still referenced by the queue")
        #expect(queue.popFirst()?.index == 498)
        #expect(queue.popFirst()?.index == 499)
        #expect(queue.isEmpty)
    }

    private struct Weak {
        weak var object: Message?
        init(_ object: Message?) { self.object = object }
    }

    @Test("a long burst drains in order, and the queue then starts again from empty")
    func longBurst() {
        var queue = MessageQueue<ByteBuffer>()
        for round in 0..<2 {
            for index in 0..<200 { queue.append(ByteBuffer(bytes: [UInt8(index)])) }
            for index in 0..<200 {
                #expect(queue.popFirst().map { Array($0.readableBytesView) } == [UInt8(index)], "round \(round)")
            }
            #expect(queue.isEmpty)
            #expect(queue.popFirst() == nil)
        }
    }
}
