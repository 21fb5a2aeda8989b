/// Pointers that may cross into `Parallel.forEachChunk` closures, where each chunk touches
/// disjoint elements. Declared in this module (not shared from Tissue) so per-pixel accesses are
/// specialised: a generic wrapper from another module is called through value witnesses.
struct Shared<T>: @unchecked Sendable {
    let p: UnsafeMutablePointer<T>
    init(_ p: UnsafeMutablePointer<T>) { self.p = p }
    @inline(__always) subscript(i: Int) -> T {
        get { p[i] }
        nonmutating set { p[i] = newValue }
    }
}

/// A read-only `Shared`.
struct SharedConst<T>: @unchecked Sendable {
    let p: UnsafePointer<T>
    init(_ p: UnsafePointer<T>) { self.p = p }
    @inline(__always) subscript(i: Int) -> T { p[i] }
}
