extension TranscodingError {
    /// The same error one level up: `component` is put in front of the field path
    /// (`author` + `name` = `author.name`, `tags` + `[3]` = `tags[3]`).
    func nested(under component: String) -> TranscodingError {
        var error = self
        if let path = self.fieldPath, !path.isEmpty {
            error.fieldPath = path.utf8.first == UInt8(ascii: "[") ? component + path : component + "." + path
        } else {
            error.fieldPath = component
        }
        return error
    }

    /// The same error inside element `index` of a repeated field.
    func nested(underIndex index: Int) -> TranscodingError {
        self.nested(under: "[\(index)]")
    }

    /// The same error inside the map value at `key`.
    func nested(underMapKey key: String) -> TranscodingError {
        var quoted = JSONWriter()
        quoted.writeString(key)
        return self.nested(under: "[" + String(decoding: quoted.bytes, as: UTF8.self) + "]")
    }
}
