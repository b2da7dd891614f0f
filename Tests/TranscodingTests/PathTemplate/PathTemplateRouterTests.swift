import Testing

@testable import Transcoding

@Suite("Router matching")
struct PathTemplateRouterTests {
    // MARK: The http.proto examples

    static let examples = [
        "GET /v1/messages/{message_id}",
        "PATCH /v1/messages/{message_id}",
        "GET /v1/users/{user_id}/messages/{message_id}",
        "POST /v1/{name=projects/*/locations/*}:verb",
        "POST /v1/{resource=**}:getIamPolicy",
        "GET /v2/{a.b.c}",
        "GET /v3/**",
        "DELETE /v1/{name=shelves/*/books/*}",
    ]

    @Test(
        "the http.proto examples bind their variables",
        arguments: [
            ("GET /v1/messages/123456", "GET /v1/messages/{message_id} message_id=123456"),
            ("PATCH /v1/messages/123456", "PATCH /v1/messages/{message_id} message_id=123456"),
            ("PUT /v1/messages/123456", "405 GET,PATCH"),
            (
                "GET /v1/users/me/messages/123456",
                "GET /v1/users/{user_id}/messages/{message_id} user_id=me message_id=123456"
            ),
            (
                "POST /v1/projects/p1/locations/l1:verb",
                "POST /v1/{name=projects/*/locations/*}:verb name=projects/p1/locations/l1"
            ),
            ("GET /v1/projects/p1/locations/l1:verb", "405 POST"),
            ("POST /v1/projects/p1/locations/l1", "404"),
            ("POST /v1/projects/p1/locations:verb", "404"),
            ("POST /v1/a/b/c:getIamPolicy", "POST /v1/{resource=**}:getIamPolicy resource=a/b/c"),
            ("POST /v1/a:getIamPolicy", "POST /v1/{resource=**}:getIamPolicy resource=a"),
            (
                "POST /v1/projects/p1/locations/l1:getIamPolicy",
                "POST /v1/{resource=**}:getIamPolicy resource=projects/p1/locations/l1"
            ),
            ("POST /v1:getIamPolicy", "404"),
            ("POST /v1/:getIamPolicy", "404"),
            ("GET /v2/x", "GET /v2/{a.b.c} a.b.c=x"),
            ("GET /v2/x/y", "404"),
            ("GET /v3", "GET /v3/**"),
            ("GET /v3/a/b/c", "GET /v3/**"),
            ("GET /v4/x", "404"),
            ("DELETE /v1/shelves/s1/books/b1", "DELETE /v1/{name=shelves/*/books/*} name=shelves/s1/books/b1"),
            ("DELETE /v1/shelves/s1/books", "404"),
            ("GET /v1/shelves/s1/books/b1", "405 DELETE"),
        ]
    )
    func httpProtoExamples(_ request: String, _ expected: String) throws {
        #expect(try route(makeRouter(Self.examples), request) == expected)
    }

    // MARK: Precedence

    static let precedence = [
        "GET /v1/shelves/special",
        "POST /v1/shelves/special",
        "PUT /v1/shelves/reserved",
        "GET /v1/shelves/{shelf}",
        "GET /v1/shelves/{shelf}:archive",
        "GET /v1/{name=**}",
        "GET /v1/shelves/{shelf}/books/{book}",
        "GET /v1/*/books/{book}",
        "GET /v1/a/{z}/c",
        "GET /v1/{x}/b/{y}",
        "GET /v2",
        "GET /v2/**",
        "GET /v2/{first}/**",
        "GET /v2/lit/{rest=**}",
    ]

    @Test(
        "literal beats * beats **, verbs first, method first, with backtracking",
        arguments: [
            // A literal beats a variable at the same position.
            ("GET /v1/shelves/special", "GET /v1/shelves/special"),
            ("GET /v1/shelves/ordinary", "GET /v1/shelves/{shelf} shelf=ordinary"),
            // Method first: a literal of another method does not hide a variable of this one.
            ("POST /v1/shelves/special", "POST /v1/shelves/special"),
            ("GET /v1/shelves/reserved", "GET /v1/shelves/{shelf} shelf=reserved"),
            ("POST /v1/shelves/ordinary", "405 GET"),
            ("PUT /v1/shelves/special", "405 GET,POST"),
            // A template with a verb is tried against the verb first; otherwise ':' is part of the segment.
            ("GET /v1/shelves/s1:archive", "GET /v1/shelves/{shelf}:archive shelf=s1"),
            ("GET /v1/shelves/a:b:archive", "GET /v1/shelves/{shelf}:archive shelf=a:b"),
            ("GET /v1/shelves/s1:other", "GET /v1/shelves/{shelf} shelf=s1:other"),
            ("GET /v1/shelves/s1%3Aarchive", "GET /v1/shelves/{shelf} shelf=s1:archive"),
            ("GET /v1/shelves/special:archive", "GET /v1/shelves/{shelf}:archive shelf=special"),
            // The longer literal prefix wins.
            ("GET /v1/shelves/s1/books/b1", "GET /v1/shelves/{shelf}/books/{book} shelf=s1 book=b1"),
            ("GET /v1/other/books/b1", "GET /v1/*/books/{book} book=b1"),
            // Backtracking: the literal branch fails further down, the wildcard branch is tried next.
            ("GET /v1/a/b/c", "GET /v1/a/{z}/c z=b"),
            ("GET /v1/a/b/d", "GET /v1/{x}/b/{y} x=a y=d"),
            ("GET /v1/shelves/s1/books", "GET /v1/{name=**} name=shelves/s1/books"),
            ("GET /v1/shelves", "GET /v1/{name=**} name=shelves"),
            ("GET /v1/x", "GET /v1/{name=**} name=x"),
            ("GET /v1/shelves/s1/books/b1/pages", "GET /v1/{name=**} name=shelves/s1/books/b1/pages"),
            // A template that ends here beats ** matching nothing; * beats **; a literal beats both.
            ("GET /v2", "GET /v2"),
            ("GET /v2/x", "GET /v2/{first}/** first=x"),
            ("GET /v2/x/y/z", "GET /v2/{first}/** first=x"),
            ("GET /v2/lit", "GET /v2/{first}/** first=lit"),
            ("GET /v2/lit/y/z", "GET /v2/lit/{rest=**} rest=y/z"),
            // A variable is never empty, and // matches no wildcard.
            ("GET /v1", "404"),
            ("GET /v1/shelves//books/b1", "404"),
            ("GET /v2//x", "404"),
            ("GET /v1/a//c", "404"),
        ]
    )
    func precedenceCases(_ request: String, _ expected: String) throws {
        #expect(try route(makeRouter(Self.precedence), request) == expected)
    }

    @Test("the order routes are added in does not change the winner", arguments: [0, 1, 2, 3])
    func orderIndependence(seed: Int) throws {
        var generator = SplitMix64(seed: UInt64(seed))
        let shuffled = Self.precedence.shuffled(using: &generator)
        let reference = try makeRouter(Self.precedence)
        let router = try makeRouter(shuffled)
        for request in [
            "GET /v1/shelves/special", "GET /v1/a/b/c", "GET /v1/a/b/d", "GET /v2", "GET /v2/lit/y",
            "GET /v1/shelves/s1:archive",
        ] {
            #expect(try route(router, request) == route(reference, request))
        }
    }

    // MARK: 404 and 405

    @Test(
        "404 when no route matches the path, 405 with sorted, unique methods when only other methods do",
        arguments: [
            ("PUT /v1/x", "405 DELETE,GET,POST"),
            ("GET /v1/x", "GET /v1/x"),
            ("POST /v1/x", "POST /v1/{id} id=x"),
            ("PUT /v1/y", "405 GET,POST"),
            ("GET /v1/job:cancel", "GET /v1/{id} id=job:cancel"),
            ("PATCH /v1/job:cancel", "405 GET,POST"),
            ("POST /v1/job:cancel", "POST /v1/{id}:cancel id=job"),
            ("PUT /v1/job:run", "405 GET,POST"),
            ("GET /v1/x/y", "404"),
            ("GET /v2", "404"),
            ("GET /", "404"),
            ("GET v1/x", "404"),
            ("GET ", "404"),
            ("GET *", "404"),
        ]
    )
    func notFoundVersusMethodNotAllowed(_ request: String, _ expected: String) throws {
        let router = try makeRouter([
            "GET /v1/x", "DELETE /v1/x", "POST /v1/{id}", "GET /v1/{id}", "POST /v1/{id}:cancel",
        ])
        #expect(try route(router, request) == expected)
    }

    @Test(
        "':' is an ordinary character for templates without a verb",
        arguments: [
            ("GET /v1/a:b", "GET /v1/{name} name=a:b"),
            ("GET /v1/a:b:c", "GET /v1/{name} name=a:b:c"),
            ("GET /v1/:", "GET /v1/{name} name=:"),
            ("GET /v2/a:b/c", "GET /v2/{x}/c x=a:b"),
            ("GET /v3/x:y", "GET /v3/x:y"),
            ("GET /v3/x%3Ay", "404"),
            ("GET /v3/x", "404"),
        ]
    )
    func colonsWithoutVerbs(_ request: String, _ expected: String) throws {
        let router = try makeRouter(["GET /v1/{name}", "GET /v2/{x}/c", "GET /v3/x:y"])
        #expect(try route(router, request) == expected)
    }

    @Test("a router without any verb route never splits a verb off")
    func noVerbRoutes() throws {
        let router = try makeRouter(["GET /v1/{name}", "GET /v1/{name}/x"])
        #expect(try route(router, "GET /v1/a:b") == "GET /v1/{name} name=a:b")
        #expect(try route(router, "GET /v1/a:b/x") == "GET /v1/{name}/x name=a:b")
    }

    // MARK: Trailing slash

    static let trailingSlashRoutes = [
        "GET /v1/shelves", "GET /v1/shelves/{shelf}", "GET /v2/{name=**}", "GET /v3/**", "GET /v4/{x}:run",
    ]

    @Test(
        "one trailing slash is tolerated by default, never leaving a variable empty",
        arguments: [
            ("GET /v1/shelves/", "GET /v1/shelves"),
            ("GET /v1/shelves/s1/", "GET /v1/shelves/{shelf} shelf=s1"),
            ("GET /v1/shelves//", "404"),
            ("GET /v2/a/b/", "GET /v2/{name=**} name=a/b"),
            ("GET /v2/", "404"),
            ("GET /v3/", "GET /v3/**"),
            ("GET /v3/a/", "GET /v3/**"),
            ("GET /v4/a:run/", "GET /v4/{x}:run x=a"),
            ("GET /", "404"),
        ]
    )
    func trailingSlashAllowed(_ request: String, _ expected: String) throws {
        #expect(try route(makeRouter(Self.trailingSlashRoutes), request) == expected)
    }

    @Test(
        "with allowTrailingSlash off, a trailing slash is an empty segment",
        arguments: [
            ("GET /v1/shelves/", "404"),
            ("GET /v1/shelves", "GET /v1/shelves"),
            ("GET /v1/shelves/s1/", "404"),
            ("GET /v2/a/b/", "404"),
            ("GET /v3/", "404"),
            ("GET /v3/a/", "404"),
            ("GET /v3", "GET /v3/**"),
        ]
    )
    func trailingSlashRejected(_ request: String, _ expected: String) throws {
        let router = try makeRouter(Self.trailingSlashRoutes, options: RouterOptions(allowTrailingSlash: false))
        #expect(try route(router, request) == expected)
    }

    @Test("the path / has no segments: /** matches it in either mode", arguments: [true, false])
    func rootPath(allowTrailingSlash: Bool) throws {
        let router = try makeRouter(
            ["GET /**", "GET /{name=**}:x"], options: RouterOptions(allowTrailingSlash: allowTrailingSlash))
        #expect(try route(router, "GET /") == "GET /**")
        #expect(try route(router, "GET /a/b") == "GET /**")
        #expect(try route(router, "GET /a/b:x") == "GET /{name=**}:x name=a/b")
        #expect(try route(router, "POST /") == "405 GET")
    }

    // MARK: Value semantics

    @Test("a copied router is independent: routes added to one do not appear in the other")
    func copiesAreIndependent() throws {
        let original = try makeRouter(["GET /v1/a"])
        var copy = original
        try copy.add(method: "GET", template: PathTemplate("/v1/b"), route: "GET /v1/b")
        try copy.add(method: "POST", template: PathTemplate("/v1/a"), route: "POST /v1/a")
        #expect(original.count == 1 && copy.count == 3)
        #expect(try route(original, "GET /v1/b") == "404")
        #expect(try route(original, "POST /v1/a") == "405 GET")
        #expect(try route(copy, "GET /v1/b") == "GET /v1/b")
        #expect(try route(copy, "POST /v1/a") == "POST /v1/a")
        #expect(copy.options == original.options)
    }

    @Test("one node with a thousand literal children (the literal table grows many times)")
    func manyLiteralSiblings() throws {
        let router = try makeRouter((0..<1_000).map { "GET /v1/item\($0)" })
        for index in stride(from: 0, to: 1_000, by: 7) {
            #expect(try route(router, "GET /v1/item\(index)") == "GET /v1/item\(index)")
        }
        #expect(try route(router, "GET /v1/item1000") == "404")
        #expect(try route(router, "GET /v1/item") == "404")
    }

    // MARK: Conflicts

    @Test(
        "the same method and an equivalent template cannot be added twice",
        arguments: [
            ("GET /v1/{name}", "GET /v1/{name}", "route GET /v1/{name} is already defined; "),
            ("GET /v1/{name}", "GET /v1/{id}", "route GET /v1/{id} is already defined (equivalent to GET /v1/{name})"),
            ("GET /v1/{name}", "GET /v1/{name=*}", "route GET /v1/{name} is already defined; "),
            ("GET /v1/*", "GET /v1/{name}", "(equivalent to GET /v1/*)"),
            (
                "GET /v1/messages/{message_id}", "GET /v1/{name=messages/*}",
                "(equivalent to GET /v1/messages/{message_id})"
            ),
            ("POST /v1/x:run", "POST /v1/x:run", "route POST /v1/x:run is already defined"),
            ("GET /v1/**", "GET /v1/{rest=**}", "(equivalent to GET /v1/**)"),
        ]
    )
    func conflicts(_ first: String, _ second: String, _ fragment: String) throws {
        var router = try makeRouter([first])
        let (method, template) = splitRequestLine(second)
        let parsed = try PathTemplate(template)
        let error = try #require(throws: TranscodingError.self) {
            try router.add(method: method, template: parsed, route: second)
        }
        #expect(error.code == .routeConflict)
        #expect(error.message.contains(fragment))
        #expect(router.count == 1)
    }

    @Test(
        "templates that differ in method, verb, wildcard kind or literal do not conflict",
        arguments: [
            ("GET /v1/{name}", "POST /v1/{name}"),
            ("GET /v1/{name}", "GET /v1/{name}:verb"),
            ("GET /v1/{name}:a", "GET /v1/{name}:b"),
            ("GET /v1/*", "GET /v1/**"),
            ("GET /v1/a", "GET /v1/b"),
            ("GET /v1/a", "GET /v1/{a=a}/b"),
            ("GET /v1", "GET /v1/**"),
        ]
    )
    func nonConflicts(_ first: String, _ second: String) throws {
        let router = try makeRouter([first, second])
        #expect(router.count == 2)
    }
}

/// A small seeded generator so shuffles and random cases reproduce.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { self.state = seed }
    mutating func next() -> UInt64 {
        self.state &+= 0x9E37_79B9_7F4A_7C15
        var value = self.state
        value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
        value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
        return value ^ (value >> 31)
    }
}
