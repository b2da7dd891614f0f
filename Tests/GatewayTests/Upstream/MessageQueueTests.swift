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
        var queue = MessageQueue()
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

    @Test("a long burst drains in order, and the queue then starts again from empty")
    func longBurst() {
        var queue = MessageQueue()
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
