extension Array where Element == UInt8 {
    /// `withUnsafeBytes` for bodies with typed throws (the standard one only rethrows `any Error`).
    func withTranscodingBytes<Result>(
        _ body: (UnsafeRawBufferPointer) throws(TranscodingError) -> Result
    ) throws(TranscodingError) -> Result {
        let result = self.withUnsafeBytes { buffer -> Swift.Result<Result, TranscodingError> in
            do throws(TranscodingError) {
                return .success(try body(buffer))
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }
}
