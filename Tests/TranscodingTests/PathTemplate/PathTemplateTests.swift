import Testing

@testable import Transcoding

@Suite("PathTemplate grammar")
struct PathTemplateTests {
    struct Valid: Sendable, CustomTestStringConvertible {
        var template: String
        var segments: [PathTemplate.Segment]
        var variables: [PathTemplate.Variable]
        var verb: String?
        /// The canonical `description`; nil when it is the template itself.
        var canonical: String?

        var testDescription: String { self.template }
    }

    private static func variable(_ path: String, _ range: Range<Int>, multi: Bool = false) -> PathTemplate.Variable {
        PathTemplate.Variable(
            fieldPath: path.split(separator: ".").map(String.init), segments: range, isMultiSegment: multi)
    }

    static let valid: [Valid] = [
        // The examples from google/api/http.proto.
        Valid(
            template: "/v1/messages/{message_id}",
            segments: [.literal("v1"), .literal("messages"), .singleWildcard],
            variables: [variable("message_id", 2..<3)]
        ),
        Valid(
            template: "/v1/{name=messages/*}",
            segments: [.literal("v1"), .literal("messages"), .singleWildcard],
            variables: [variable("name", 1..<3, multi: true)]
        ),
        Valid(
            template: "/v1/users/{user_id}/messages/{message_id}",
            segments: [.literal("v1"), .literal("users"), .singleWildcard, .literal("messages"), .singleWildcard],
            variables: [variable("user_id", 2..<3), variable("message_id", 4..<5)]
        ),
        Valid(
            template: "/v1/{name=projects/*/locations/*}:verb",
            segments: [.literal("v1"), .literal("projects"), .singleWildcard, .literal("locations"), .singleWildcard],
            variables: [variable("name", 1..<5, multi: true)],
            verb: "verb"
        ),
        Valid(
            template: "/v1/{resource=**}:getIamPolicy",
            segments: [.literal("v1"), .multiWildcard],
            variables: [variable("resource", 1..<2, multi: true)],
            verb: "getIamPolicy"
        ),
        Valid(
            template: "/v1/{a.b.c}",
            segments: [.literal("v1"), .singleWildcard],
            variables: [variable("a.b.c", 1..<2)]
        ),
        Valid(template: "/v1/**", segments: [.literal("v1"), .multiWildcard], variables: []),
        // Other shapes.
        Valid(
            template: "/v1/{name=*}",
            segments: [.literal("v1"), .singleWildcard],
            variables: [variable("name", 1..<2)],
            canonical: "/v1/{name}"
        ),
        Valid(template: "/v1/*/x", segments: [.literal("v1"), .singleWildcard, .literal("x")], variables: []),
        Valid(template: "/**", segments: [.multiWildcard], variables: []),
        Valid(template: "/*", segments: [.singleWildcard], variables: []),
        Valid(
            template: "/{name=**}",
            segments: [.multiWildcard],
            variables: [variable("name", 0..<1, multi: true)]
        ),
        Valid(
            template: "/v1/{x=foo}",
            segments: [.literal("v1"), .literal("foo")],
            variables: [variable("x", 1..<2)]
        ),
        Valid(
            template: "/v1/{name=shelves/*}/books/{book_id}/**",
            segments: [
                .literal("v1"), .literal("shelves"), .singleWildcard, .literal("books"), .singleWildcard,
                .multiWildcard,
            ],
            variables: [variable("name", 1..<3, multi: true), variable("book_id", 4..<5)]
        ),
        Valid(
            template: "/v1/{name=files/**}:download",
            segments: [.literal("v1"), .literal("files"), .multiWildcard],
            variables: [variable("name", 1..<3, multi: true)],
            verb: "download"
        ),
        Valid(
            template: "/v1/messages:batchGet",
            segments: [.literal("v1"), .literal("messages")],
            variables: [],
            verb: "batchGet"
        ),
        Valid(
            template: "/v1/*:undelete", segments: [.literal("v1"), .singleWildcard], variables: [], verb: "undelete"),
        Valid(template: "/v1/**:purge", segments: [.literal("v1"), .multiWildcard], variables: [], verb: "purge"),
        Valid(
            template: "/v1/{_id}/{A1.b_2}",
            segments: [.literal("v1"), .singleWildcard, .singleWildcard],
            variables: [variable("_id", 1..<2), variable("A1.b_2", 2..<3)]
        ),
        Valid(
            template: "/v1/a-b_c.d~e!$&'()+,;=@/%7Euser/%e2%82%AC",
            segments: [.literal("v1"), .literal("a-b_c.d~e!$&'()+,;=@"), .literal("%7Euser"), .literal("%e2%82%AC")],
            variables: []
        ),
        Valid(
            template: "/v1/{name=a=b}",
            segments: [.literal("v1"), .literal("a=b")],
            variables: [variable("name", 1..<2)]
        ),
        Valid(
            template: "/v1/{name=a/b/c}",
            segments: [.literal("v1"), .literal("a"), .literal("b"), .literal("c")],
            variables: [variable("name", 1..<4, multi: true)]
        ),
    ]

    @Test("valid templates parse into segments, variables and verb", arguments: valid)
    func parsesValid(_ expected: Valid) throws {
        let template = try PathTemplate(expected.template)
        #expect(template.segments == expected.segments)
        #expect(template.variables == expected.variables)
        #expect(template.verb == expected.verb)
        #expect(template.description == (expected.canonical ?? expected.template))
    }

    @Test("the canonical description parses back to the same template", arguments: valid)
    func descriptionRoundTrips(_ expected: Valid) throws {
        let template = try PathTemplate(expected.template)
        #expect(try PathTemplate(template.description) == template)
    }

    @Test("{var} is the same template as {var=*}")
    func shorthandEqualsExplicitWildcard() throws {
        #expect(try PathTemplate("/v1/{name}") == PathTemplate("/v1/{name=*}"))
        #expect(try PathTemplate("/v1/{name}").hashValue == PathTemplate("/v1/{name=*}").hashValue)
        #expect(try PathTemplate("/v1/{name}") != PathTemplate("/v1/{id}"))
        #expect(try PathTemplate("/v1/{name}") != PathTemplate("/v1/*"))
        #expect(try PathTemplate("/v1/{name}") != PathTemplate("/v1/{name}:verb"))
    }

    static let invalid: [(template: String, fragment: String)] = [
        ("", "path template is empty"),
        ("v1/messages", "must start with '/', found 'v' at offset 0 in \"v1/messages\""),
        ("/", "empty segment at offset 1 in \"/\""),
        ("/v1/", "empty segment at offset 4"),
        ("/v1//messages", "empty segment at offset 4"),
        ("/v1/{name", "unclosed '{' at offset 4 in \"/v1/{name\""),
        ("/v1/{", "unclosed '{' at offset 4"),
        ("/v1/{name=", "unclosed '{' at offset 4"),
        ("/v1/{name=messages/*", "unclosed '{' at offset 4"),
        ("/v1/{name=messages/", "unclosed '{' at offset 4"),
        ("/v1/{name=}", "empty segment at offset 10"),
        ("/v1/{name=a//b}", "empty segment at offset 12"),
        ("/v1/}", "unexpected '}' (no variable is open) at offset 4"),
        ("/v1/name}", "unexpected '}' at offset 8"),
        ("/v1/{a={b}}", "nested variable (the variable opened at offset 4 is still open) at offset 7"),
        ("/v1/{a=x/{b}}", "nested variable"),
        ("/v1/{}", "expected a field name after '{', found '}' at offset 5"),
        ("/v1/{ name}", "expected a field name after '{', found a space at offset 5"),
        ("/v1/{1a}", "expected a field name after '{', found '1' at offset 5"),
        ("/v1/{a.}", "expected a field name after '.', found '}' at offset 7"),
        ("/v1/{a..b}", "expected a field name after '.', found '.' at offset 7"),
        ("/v1/{a-b}", "unexpected '-' in the field path of variable 'a' at offset 6"),
        ("/v1/{a}/{a}", "field path 'a' is bound twice (first at offset 4) at offset 8"),
        ("/v1/{a.b}/x/{a.b=**}", "field path 'a.b' is bound twice"),
        ("/v1/**/x", "'**' must be the last segment at offset 4"),
        ("/v1/{name=**}/x", "'**' must be the last segment at offset 10"),
        ("/**/**", "'**' must be the last segment at offset 1"),
        ("/v1/***", "'*' and '**' must be a whole segment at offset 4"),
        ("/v1/*a", "'*' and '**' must be a whole segment at offset 4"),
        ("/v1/a*", "'*' and '**' must be a whole segment, not part of a segment at offset 5"),
        ("/v1/a{b}", "'{' must start a whole segment at offset 5"),
        ("/v1/a b", "a space is not allowed in a segment (percent-encode it) at offset 5"),
        ("/v1/caf\u{E9}", "byte 0xC3 is not allowed in a segment"),
        ("/v1/a?b", "'?' is not allowed in a segment"),
        ("/v1/a#b", "'#' is not allowed in a segment"),
        ("/v1/a\"b", "'\"' is not allowed in a segment"),
        ("/v1/%zz", "invalid percent-escape in segment (expected '%' and two hex digits) at offset 4"),
        ("/v1/%4", "invalid percent-escape in segment"),
        ("/v1/x:", "empty verb after ':' at offset 5"),
        ("/v1/x:/y", "empty verb after ':' at offset 5"),
        ("/v1/x:a:b", "unexpected ':' after the verb (a verb cannot contain ':') at offset 7"),
        ("/v1/x:verb/more", "unexpected '/' after the verb at offset 10"),
        ("/v1/x:ver b", "a space is not allowed in a verb"),
        ("/v1/x:*", "'*' and '**' must be a whole segment, not part of a verb at offset 6"),
        ("/v1/:verb", "empty segment at offset 4"),
        ("/v1/{name=a:b}", "unexpected ':' inside variable 'name' (a verb can only end the template) at offset 11"),
        ("/v1/{name}x", "unexpected 'x' at offset 10"),
        ("/v1/{name=a}b", "unexpected 'b' at offset 12"),
        (String(repeating: "/a", count: 129), "more than 128 segments at offset 257"),
    ]

    @Test("invalid templates throw invalidPathTemplate saying what and where", arguments: invalid)
    func rejectsInvalid(_ template: String, _ fragment: String) {
        #expect {
            _ = try PathTemplate(template)
        } throws: { error in
            guard let error = error as? TranscodingError else { return false }
            return error.code == .invalidPathTemplate && error.message.contains(fragment)
        }
    }

    @Test("an invalid template's message names the template")
    func messageNamesTemplate() throws {
        let error = try #require(throws: TranscodingError.self) { try PathTemplate("/v1/{name") }
        #expect(error.message == "unclosed '{' at offset 4 in \"/v1/{name\"")
    }

    @Test("a template may have exactly the maximum number of segments")
    func maximumSegments() throws {
        let template = try PathTemplate(String(repeating: "/a", count: PathTemplate.maximumSegmentCount))
        #expect(template.segments.count == PathTemplate.maximumSegmentCount)
    }
}
