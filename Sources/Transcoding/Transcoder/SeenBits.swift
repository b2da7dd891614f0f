/// Sets of field or oneof indices seen in one message: indices below 64 live in a register, the rest
/// in words reserved on a stack shared by all nesting levels (so no allocation per message).
struct SeenBits {
    var low: UInt64 = 0
    /// Where this set's extra words start in the shared stack.
    let base: Int

    /// Reserves room for indices up to `count` on `stack`.
    init(count: Int, stack: inout [UInt64]) {
        self.base = stack.count
        if count > 64 {
            stack.append(contentsOf: repeatElement(0, count: (count - 64 + 63) / 64))
        }
    }

    /// Releases the words `init` reserved.
    func release(_ stack: inout [UInt64]) {
        if stack.count > self.base { stack.removeSubrange(self.base...) }
    }

    /// Adds `index`; false if it was already there.
    @inline(__always)
    mutating func insert(_ index: Int, stack: inout [UInt64]) -> Bool {
        if index < 64 {
            let bit: UInt64 = 1 << UInt64(index)
            if self.low & bit != 0 { return false }
            self.low |= bit
            return true
        }
        let word = self.base + (index - 64) >> 6
        let bit: UInt64 = 1 << UInt64((index - 64) & 63)
        if stack[word] & bit != 0 { return false }
        stack[word] |= bit
        return true
    }

    @inline(__always)
    func contains(_ index: Int, stack: [UInt64]) -> Bool {
        if index < 64 { return self.low & (1 << UInt64(index)) != 0 }
        return stack[self.base + (index - 64) >> 6] & (1 << UInt64((index - 64) & 63)) != 0
    }
}
