import NIOCore

/// An element of a ``DeadlineList``: it carries its own links, so that listing it allocates nothing.
protocol DeadlineListElement: AnyObject {
    var deadlineLinks: DeadlineLinks<Self> { get set }
}

/// Where an element sits in a ``DeadlineList``; empty while it is not in one.
struct DeadlineLinks<Element: AnyObject> {
    fileprivate(set) var deadline: NIODeadline?
    fileprivate var earlier: Element?
    fileprivate var later: Element?

    init() {}

    fileprivate init(deadline: NIODeadline, earlier: Element?, later: Element?) {
        self.deadline = deadline
        self.earlier = earlier
        self.later = later
    }
}

/// Elements with a deadline, soonest first, so that one timer can serve them all: set for the first deadline,
/// it expires what is due when it fires and is set again for the next.
///
/// A doubly linked list threaded through the elements. Adding one walks back from the latest deadline, which is
/// a single step when the deadlines come in order (calls that share a default timeout, the usual case); removing
/// one is a single step. Equal deadlines keep their order of arrival. An element is in at most one list; the
/// list holds it until it is removed.
struct DeadlineList<Element: DeadlineListElement> {
    private var first: Element?
    private var last: Element?

    var isEmpty: Bool { self.first == nil }

    /// The soonest deadline, if any.
    var firstDeadline: NIODeadline? { self.first?.deadlineLinks.deadline }

    /// Lists `element`, which must not be listed already.
    mutating func insert(_ element: Element, deadline: NIODeadline) {
        precondition(element.deadlineLinks.deadline == nil, "an element is already in a deadline list")
        var earlier = self.last
        var later: Element?
        while let candidate = earlier, let candidateDeadline = candidate.deadlineLinks.deadline,
            candidateDeadline > deadline
        {
            later = candidate
            earlier = candidate.deadlineLinks.earlier
        }
        element.deadlineLinks = DeadlineLinks(deadline: deadline, earlier: earlier, later: later)
        if let earlier { earlier.deadlineLinks.later = element } else { self.first = element }
        if let later { later.deadlineLinks.earlier = element } else { self.last = element }
    }

    /// Takes `element` out of the list; nothing if it is not listed.
    mutating func remove(_ element: Element) {
        let links = element.deadlineLinks
        guard links.deadline != nil else { return }
        if let earlier = links.earlier { earlier.deadlineLinks.later = links.later } else { self.first = links.later }
        if let later = links.later { later.deadlineLinks.earlier = links.earlier } else { self.last = links.earlier }
        element.deadlineLinks = DeadlineLinks()
    }

    /// Removes the elements whose deadline is at or before `now`, soonest first, and returns them.
    mutating func removeExpired(at now: NIODeadline) -> [Element] {
        var expired: [Element] = []
        while let first = self.first, let deadline = first.deadlineLinks.deadline, deadline <= now {
            self.remove(first)
            expired.append(first)
        }
        return expired
    }
}
