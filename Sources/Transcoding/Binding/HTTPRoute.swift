/// One `google.api.http` binding of a method, compiled and checked against the method's types.
///
/// A class: the table's routes are shared by the requests they match, which pass them along by reference (as a
/// struct of strings, arrays and descriptors, every copy retained each of them).
public final class HTTPRoute: Sendable {
    /// Where the HTTP request body goes in the request message.
    public enum BodyTarget: Sendable {
        /// The rule has no `body`: the request body is ignored and fields come from the path and query.
        case none
        /// `body: "*"`: the body is the whole request message.
        case wholeMessage
        /// `body: "field"`: the body is the value of this top-level field.
        case field(FieldDescriptor)
    }

    public let method: MethodDescriptor
    public let rule: HTTPRule
    public let template: PathTemplate
    public let body: BodyTarget
    /// The top-level response field named by `response_body`, if any.
    public let responseField: FieldDescriptor?
    /// The request fields each path variable binds, from the message down to the scalar field, in template order:
    /// the order of a match's bindings, so a binding finds its fields by position instead of by hashing its path.
    private let variableFields: [(fieldPath: [String], fields: [FieldDescriptor])]

    /// Whether the request body is raw bytes for a `google.api.HttpBody` rather than JSON.
    public var takesHTTPBody: Bool {
        switch self.body {
        case .none: false
        case .wholeMessage: self.method.inputType.wellKnownType == .httpBody
        case .field(let field): field.messageType?.wellKnownType == .httpBody
        }
    }

    /// Whether the response is a raw `google.api.HttpBody` rather than JSON.
    public var returnsHTTPBody: Bool {
        if let field = self.responseField { return field.messageType?.wellKnownType == .httpBody }
        return self.method.outputType.wellKnownType == .httpBody
    }

    init(method: MethodDescriptor, rule: HTTPRule) throws(TranscodingError) {
        func fail(_ message: String) -> TranscodingError {
            TranscodingError(
                .invalidPathTemplate,
                "method \(method.fullName), \(rule.method) \(rule.pathTemplate): \(message)"
            )
        }
        self.method = method
        self.rule = rule
        do {
            self.template = try PathTemplate(rule.pathTemplate)
        } catch {
            throw fail(error.message)
        }

        var variableFields: [(fieldPath: [String], fields: [FieldDescriptor])] = []
        for variable in self.template.variables {
            let fields: [FieldDescriptor]
            do {
                fields = try method.inputType.resolveScalarPath(variable.fieldPath)
            } catch {
                throw fail("path variable {\(variable.fieldPath.joined(separator: "."))}: \(error.message)")
            }
            if fields.last!.isRepeated {
                throw fail("path variable {\(variable.fieldPath.joined(separator: "."))} names a repeated field")
            }
            variableFields.append((variable.fieldPath, fields))
        }
        self.variableFields = variableFields

        switch rule.body {
        case nil:
            self.body = .none
        case "*":
            self.body = .wholeMessage
        case let name?:
            guard let field = method.inputType.field(named: name), field.name == name else {
                throw fail("body \"\(name)\" is not a top-level field of \(method.inputType.fullName)")
            }
            self.body = .field(field)
        }
        if let name = rule.responseBody {
            guard let field = method.outputType.field(named: name), field.name == name else {
                throw fail("response_body \"\(name)\" is not a top-level field of \(method.outputType.fullName)")
            }
            self.responseField = field
        } else {
            self.responseField = nil
        }
    }

    /// The fields a path variable binds (message fields down to the scalar), if the route has that variable.
    /// `position` is the binding's place in the match, where the variable usually is.
    func fieldsBound(byVariable fieldPath: [String], at position: Int) -> [FieldDescriptor]? {
        if position < self.variableFields.count, self.variableFields[position].fieldPath == fieldPath {
            return self.variableFields[position].fields
        }
        return self.variableFields.first { $0.fieldPath == fieldPath }?.fields
    }
}

extension MessageDescriptor {
    /// Resolves a dotted field path to the fields it passes through. Every field but the last must be a singular
    /// message; the last must be settable from text: a scalar, an enum, or a well-known type with a string form.
    func resolveScalarPath(_ path: [String]) throws(TranscodingError) -> [FieldDescriptor] {
        var fields: [FieldDescriptor] = []
        var message = self
        for (position, name) in path.enumerated() {
            guard let field = message.field(named: name) else {
                throw TranscodingError(.unknownField, "\(message.fullName) has no field \"\(name)\"")
            }
            fields.append(field)
            let isLast = position == path.count - 1
            if field.isMap {
                throw TranscodingError(.invalidValue, "field \(field.name) is a map, which cannot be set from text")
            }
            if isLast {
                if let type = field.messageType, !type.hasTextForm {
                    throw TranscodingError(
                        .invalidValue,
                        "field \(field.name) is a message (\(type.fullName)) and cannot be set from text"
                    )
                }
            } else {
                guard let next = field.messageType, !field.isRepeated, !next.hasTextForm else {
                    throw TranscodingError(
                        .invalidValue,
                        "field \(field.name) is not a singular message, so \(path.joined(separator: ".")) cannot be reached"
                    )
                }
                message = next
            }
        }
        return fields
    }

    /// Well-known types whose value can be written as text in a URL: wrappers, Timestamp, Duration, FieldMask.
    var hasTextForm: Bool {
        guard let known = self.wellKnownType else { return false }
        return known.isWrapper || known == .timestamp || known == .duration || known == .fieldMask
    }
}
