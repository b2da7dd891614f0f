import NIOCore
import Testing

@testable import Gateway

@Suite("DeadlineList: the calls of a connection with a deadline, soonest first")
struct DeadlineListTests {
    final class Call: DeadlineListElement, CustomStringConvertible {
        let name: String
        var deadlineLinks = DeadlineLinks<Call>()
        init(_ name: String) { self.name = name }
        var description: String { self.name }
    }

    static func at(_ milliseconds: Int64) -> NIODeadline { .uptimeNanoseconds(UInt64(milliseconds) * 1_000_000) }

    /// The names in list order, read by expiring everything.
    static func drain(_ list: inout DeadlineList<Call>) -> [String] {
        list.removeExpired(at: .distantFuture).map(\.name)
    }

    struct Case: CustomTestStringConvertible, Sendable {
        let name: String
        /// Inserted in this order: name and deadline in ms.
        let inserts: [(String, Int64)]
        let removals: [String]
        let order: [String]
        var testDescription: String { self.name }
    }

    static let cases: [Case] = [
        Case(name: "in order", inserts: [("a", 10), ("b", 20), ("c", 30)], removals: [], order: ["a", "b", "c"]),
        Case(name: "reversed", inserts: [("a", 30), ("b", 20), ("c", 10)], removals: [], order: ["c", "b", "a"]),
        Case(
            name: "into the middle", inserts: [("a", 10), ("b", 30), ("c", 20)], removals: [], order: ["a", "c", "b"]),
        Case(
            name: "ties keep arrival order", inserts: [("a", 10), ("b", 10), ("c", 5), ("d", 10)], removals: [],
            order: ["c", "a", "b", "d"]),
        Case(
            name: "remove the first", inserts: [("a", 10), ("b", 20), ("c", 30)], removals: ["a"], order: ["b", "c"]),
        Case(
            name: "remove the middle", inserts: [("a", 10), ("b", 20), ("c", 30)], removals: ["b"], order: ["a", "c"]),
        Case(name: "remove the last", inserts: [("a", 10), ("b", 20), ("c", 30)], removals: ["c"], order: ["a", "b"]),
        Case(name: "remove all", inserts: [("a", 10), ("b", 20)], removals: ["b", "a"], order: []),
        Case(name: "remove twice", inserts: [("a", 10), ("b", 20)], removals: ["a", "a"], order: ["b"]),
    ]

    @Test("order after inserts and removals", arguments: cases)
    func order(_ testCase: Case) {
        var list = DeadlineList<Call>()
        var calls: [String: Call] = [:]
        for (name, deadline) in testCase.inserts {
            let call = Call(name)
            calls[name] = call
            list.insert(call, deadline: Self.at(deadline))
        }
        for name in testCase.removals { list.remove(calls[name]!) }
        #expect(Self.drain(&list) == testCase.order)
        #expect(list.isEmpty && list.firstDeadline == nil)
        for call in calls.values { #expect(call.deadlineLinks.deadline == nil) }
    }

    @Test("removeExpired takes what is due, soonest first, and leaves the rest")
    func expiry() {
        var list = DeadlineList<Call>()
        let calls = [("a", 30), ("b", 10), ("c", 20), ("d", 40)].map { name, deadline in
            let call = Call(name)
            list.insert(call, deadline: Self.at(Int64(deadline)))
            return call
        }
        #expect(list.firstDeadline == Self.at(10))
        #expect(list.removeExpired(at: Self.at(5)).isEmpty)
        #expect(list.removeExpired(at: Self.at(20)).map(\.name) == ["b", "c"])
        #expect(list.firstDeadline == Self.at(30))
        // An expired call can be listed again.
        list.insert(calls[1], deadline: Self.at(35))
        #expect(Self.drain(&list) == ["a", "b", "d"])
    }

    @Test("a removed call releases its neighbours")
    func releasesNeighbours() {
        var list = DeadlineList<Call>()
        weak var released: Call?
        do {
            let first = Call("first")
            released = first
            list.insert(first, deadline: Self.at(10))
            list.insert(Call("second"), deadline: Self.at(20))
            list.remove(first)
        }
        #expect(released == nil)
        #expect(Self.drain(&list) == ["second"])
    }
}
