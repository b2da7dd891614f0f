import HTTPTypes

extension HTTPFields {
    /// The value of the fields named `name`, as `self[name]` gives it, without building a new string when a single
    /// field has the name (the common case): the subscript joins the values on every read, a heap allocation for
    /// any value longer than 15 bytes, such as `application/json`.
    func value(_ name: HTTPField.Name) -> String? {
        guard let first = self.firstIndex(where: { $0.name == name }) else { return nil }
        let rest = self[self.index(after: first)...]
        return rest.contains(where: { $0.name == name }) ? self[name] : self[first].value
    }
}
