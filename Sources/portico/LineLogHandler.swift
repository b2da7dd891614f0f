import Foundation
import Logging
import Synchronization

/// Writes one line per message to standard error: `time level label: message key=value ...`.
///
/// swift-log's `StreamLogHandler` formats its metadata again every time a key is set. Hummingbird sets a
/// request id on every request's logger, so that formatting ran once per request even with nothing logged;
/// this handler formats metadata only for messages that are written.
struct LineLogHandler: LogHandler {
    let label: String
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]
    var metadataProvider: Logger.MetadataProvider?

    private static let output = Mutex(())

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { self.metadata[key] }
        set { self.metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var merged = self.metadata
        if let provided = self.metadataProvider?.get() { merged.merge(provided) { _, new in new } }
        if let metadata = event.metadata { merged.merge(metadata) { _, new in new } }
        var line = "\(Date.now.formatted(.iso8601)) \(event.level) \(self.label): \(event.message)"
        for key in merged.keys.sorted() {
            line += " \(key)=\(merged[key]!)"
        }
        line += "\n"
        Self.output.withLock { _ in
            FileHandle.standardError.write(Data(line.utf8))
        }
    }
}
