import GRPCCore

extension ServerContext {
    /// Sleeps for `duration` unless the RPC is cancelled first (the client went away or its deadline passed)
    /// or the task is. Returns whether the whole time elapsed.
    func sleepUnlessCancelled(for duration: Duration) async -> Bool {
        if self.cancellation.isCancelled || Task.isCancelled { return false }
        if duration <= .zero { return true }
        let cancellation = self.cancellation
        return await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                do {
                    try await Task.sleep(for: duration)
                    return true
                } catch {
                    return false
                }
            }
            group.addTask {
                // Returns when the RPC is cancelled; throws when this task is, after the sleep finished.
                try? await cancellation.cancelled
                return false
            }
            let sleptFully = await group.next() ?? false
            group.cancelAll()
            return sleptFully
        }
    }
}
