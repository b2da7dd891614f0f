/// How a `Router` treats request paths.
public struct RouterOptions: Sendable, Hashable {
    /// Tolerate one trailing `/` (`/v1/shelves/` matches `/v1/shelves`), as Envoy does. It is removed before matching,
    /// so it can never leave a variable empty: `/v1/shelves/` does not match `/v1/shelves/{shelf}`. Default `true`.
    public var allowTrailingSlash: Bool

    public init(allowTrailingSlash: Bool = true) {
        self.allowTrailingSlash = allowTrailingSlash
    }

    /// The default options.
    public static var defaults: RouterOptions { RouterOptions() }
}
