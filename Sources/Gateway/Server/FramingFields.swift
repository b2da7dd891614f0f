/// The fields every fast-path answer leaves with besides its own: its body's length and the date.
struct FramingFields {
    let contentLength: Int
    let date: String

    init(contentLength: Int, date: String = HTTPDate.now) {
        self.contentLength = contentLength
        self.date = date
    }
}
