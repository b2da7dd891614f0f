import Testing

@testable import Gateway

@Suite("HTTPDate: the Date header's format")
struct HTTPDateTests {
    @Test(
        "IMF-fixdate",
        arguments: [
            (0, "Thu, 01 Jan 1970 00:00:00 GMT"), (784_111_777, "Sun, 06 Nov 1994 08:49:37 GMT"),
            (1_700_000_000, "Tue, 14 Nov 2023 22:13:20 GMT"), (951_782_400, "Tue, 29 Feb 2000 00:00:00 GMT"),
        ])
    func format(seconds: Int, expected: String) {
        #expect(HTTPDate.format(seconds) == expected)
    }
}
