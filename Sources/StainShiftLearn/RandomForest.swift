import StainShiftFoundation

/// How a random forest is grown (random trees as in QuPath's object classifier).
public struct ForestParameters: Sendable, Equatable, Codable {
    public var trees: Int = 50
    public var maxDepth: Int = 10
    /// The fewest bootstrap samples a leaf may hold.
    public var minLeaf: Int = 5
    /// Candidate features per split; nil: the square root of the feature count.
    public var featuresPerSplit: Int?
    public var seed: UInt64 = 1
    /// Balanced bootstrap (Chen, Liaw and Breiman 2004, "Using random forest to learn imbalanced
    /// data"): each tree draws, with replacement, as many cells from every class as the smallest
    /// class has, instead of n cells from all. nil or false: the plain bootstrap with class
    /// weights (models written before it was added). On EndoNuke half/half it lifted epithelium
    /// recall where the weighted forest favoured the larger stroma class.
    public var balancedBootstrap: Bool?

    public init() {}

    public init(trees: Int, maxDepth: Int = 10, minLeaf: Int = 5, seed: UInt64 = 1, balancedBootstrap: Bool? = nil) {
        self.trees = trees; self.maxDepth = maxDepth; self.minLeaf = minLeaf; self.seed = seed
        self.balancedBootstrap = balancedBootstrap
    }

    func candidates(_ featureCount: Int) -> Int {
        min(featureCount, max(1, featuresPerSplit ?? Int(Double(featureCount).squareRoot().rounded())))
    }
}

/// One CART tree in preorder: an inner node's left child is the next node, `next` its right
/// child; a leaf has `feature` -1 and `next` the offset of its class probabilities in `values`.
/// A row goes left when its feature value is at most the threshold.
public struct DecisionTree: Sendable, Equatable, Codable {
    public var feature: [Int32]
    public var threshold: [Float]
    public var next: [Int32]
    public var values: [Float]

    public init(feature: [Int32] = [], threshold: [Float] = [], next: [Int32] = [], values: [Float] = []) {
        self.feature = feature; self.threshold = threshold; self.next = next; self.values = values
    }

    /// The offset in `values` of the leaf `row` falls in.
    @inline(__always) func leaf(_ row: UnsafePointer<Float>) -> Int {
        var i = 0
        while feature[i] >= 0 {
            i = row[Int(feature[i])] <= threshold[i] ? i + 1 : Int(next[i])
        }
        return Int(next[i])
    }

    /// Why the tree cannot be used with `featureCount` features and `classCount` classes, or nil.
    func problem(featureCount: Int, classCount: Int) -> String? {
        let n = feature.count
        guard n > 0, threshold.count == n, next.count == n else { return "node arrays are empty or of different lengths" }
        for i in 0..<n {
            let f = Int(feature[i]), j = Int(next[i])
            if f >= 0 {
                guard f < featureCount else { return "node \(i) splits on feature \(f) of \(featureCount)" }
                guard i + 1 < n, j > i + 1, j < n else { return "node \(i) has a child outside the tree" }
                guard threshold[i].isFinite else { return "node \(i) has a non-finite threshold" }
            } else {
                guard f == -1, j >= 0, j + classCount <= values.count else { return "leaf \(i) has no \(classCount) class values" }
            }
        }
        return nil
    }
}

/// A random forest of CART trees on Gini impurity: bootstrap samples, a random subset of
/// features per split, class weights balanced (each class weighs as much in total), leaves
/// holding class probabilities (to 1/1000). Features are cut into at most 256 bins at quantiles
/// of the training values (thresholds halfway between values, as Float), so a split search is a
/// histogram sweep. Every tree has its own `SplitMix64` stream (seed, tree index) and trees grow
/// in parallel, one chunk each: the same forest whatever the thread count.
public struct RandomForest: Sendable, Equatable {
    public var featureCount: Int
    public var classCount: Int
    public var trees: [DecisionTree]
    /// Mean decrease in (weighted) Gini impurity per feature, averaged over trees, summing to 1.
    public var importance: [Double]

    public init(featureCount: Int, classCount: Int, trees: [DecisionTree], importance: [Double] = []) {
        self.featureCount = featureCount; self.classCount = classCount; self.trees = trees; self.importance = importance
    }

    /// Grows a forest on `x` (`featureCount` values per row, row-major) and `labels` (0..<classCount).
    public static func train(x: [Float], labels: [Int], featureCount d: Int, classCount k: Int,
                             parameters p: ForestParameters) -> RandomForest {
        let n = labels.count
        precondition(x.count == n * d && k >= 1 && d >= 1)
        guard n > 0 else { return RandomForest(featureCount: d, classCount: k, trees: [], importance: []) }
        let bins = Bins(x: x, rows: n, featureCount: d)
        var perClass = [Int](repeating: 0, count: k)
        for l in labels { perClass[l] += 1 }
        let present = perClass.filter { $0 > 0 }.count
        let balanced = p.balancedBootstrap == true && present >= 2
        // Balanced draws weigh every class alike already; the plain bootstrap weighs each class to the same total.
        let classWeight = perClass.map { $0 > 0 ? (balanced ? 1 : Double(n) / Double(present * $0)) : 0 }
        var members = [[Int32]](repeating: [], count: k)
        if balanced { for (i, l) in labels.enumerated() { members[l].append(Int32(i)) } }
        let byClass = members
        let treeCount = max(1, p.trees)
        let out = ChunkResults<(DecisionTree, [Double])>(treeCount, chunks: treeCount)
        Parallel.forEachChunk(treeCount, chunks: treeCount) { range in
            for t in range {
                var grower = TreeGrower(bins: bins, labels: labels, classWeight: classWeight, classCount: k, parameters: p,
                                        rng: SplitMix64(seed: p.seed, stream: UInt64(t)), byClass: byClass)
                out.set(t..<(t + 1), grower.grow())
            }
        }
        let grown = out.values
        var importance = [Double](repeating: 0, count: d)
        for (_, imp) in grown {
            let total = imp.reduce(0, +)
            guard total > 0 else { continue }
            for f in 0..<d { importance[f] += imp[f] / total }
        }
        let sum = importance.reduce(0, +)
        if sum > 0 { importance = importance.map { $0 / sum } }
        return RandomForest(featureCount: d, classCount: k, trees: grown.map(\.0), importance: importance)
    }

    /// Mean class probabilities over the trees for each row of `x`.
    public func probabilities(_ x: [Float]) -> [Float] {
        let n = featureCount > 0 ? x.count / featureCount : 0
        var out = [Float](repeating: 0, count: n * classCount)
        guard n > 0, !trees.isEmpty else { return out }
        let k = classCount, d = featureCount, trees = self.trees
        x.withUnsafeBufferPointer { xb in
            out.withUnsafeMutableBufferPointer { ob in
                let xp = UnsafeSendable(xb.baseAddress!), op = SharedPointer(ob.baseAddress!)
                Parallel.forEachChunk(n) { rows in
                    for i in rows {
                        let row = xp.p + i * d
                        for tree in trees {
                            let leaf = tree.leaf(row)
                            for c in 0..<k { op[i * k + c] += tree.values[leaf + c] }
                        }
                        let scale = 1 / Float(trees.count)
                        for c in 0..<k { op[i * k + c] *= scale }
                    }
                }
            }
        }
        return out
    }

    /// The most probable class of each row (the lower index on a tie), each class's probability
    /// multiplied by its vote weight when `weights` are given (`CellClassifierTrainer.voteWeights`).
    public func predict(_ x: [Float], weights: [Double]? = nil) -> [Int] {
        Self.argmax(probabilities(x), classCount: classCount, weights: weights)
    }

    /// The class of each row of `p` (`classCount` probabilities per row), weighted as in `predict`.
    public static func argmax(_ p: [Float], classCount k: Int, weights: [Double]? = nil) -> [Int] {
        let n = k > 0 ? p.count / k : 0
        let w = weights.flatMap { $0.count == k ? $0 : nil }
        return (0..<n).map { i in
            var best = 0, top = -Double.infinity
            for c in 0..<max(k, 1) {
                let v = Double(p[i * k + c]) * (w?[c] ?? 1)
                if v > top { best = c; top = v }
            }
            return best
        }
    }
}

/// A read-only pointer that may cross into `Parallel` closures.
struct UnsafeSendable<T>: @unchecked Sendable {
    let p: UnsafePointer<T>
    init(_ p: UnsafePointer<T>) { self.p = p }
}

/// Every feature cut into at most 256 bins: `codes[f * rows + i]` is the bin of row i's value,
/// and a value of bin b is at most `edges[f][b]` (the last bin has no edge).
struct Bins: Sendable {
    let rows: Int
    let featureCount: Int
    let edges: [[Float]]
    let codes: [UInt8]

    init(x: [Float], rows n: Int, featureCount d: Int) {
        rows = n; featureCount = d
        var edges = [[Float]](repeating: [], count: d)
        var codes = [UInt8](repeating: 0, count: n * d)
        var column = [Float](repeating: 0, count: n)
        for f in 0..<d {
            for i in 0..<n { column[i] = x[i * d + f].isFinite ? x[i * d + f] : 0 }
            let sorted = column.sorted()
            var e: [Float] = []
            for q in 1..<256 {
                let j = q * n / 256
                guard j > 0, j < n, sorted[j - 1] < sorted[j] else { continue }
                let mid = sorted[j - 1] + (sorted[j] - sorted[j - 1]) / 2
                if e.last.map({ mid > $0 }) ?? true { e.append(mid) }
            }
            // Few distinct values: every gap is an edge.
            if e.count < 255 {
                var gaps: [Float] = []
                for j in 1..<max(n, 1) where sorted[j - 1] < sorted[j] {
                    gaps.append(sorted[j - 1] + (sorted[j] - sorted[j - 1]) / 2)
                    if gaps.count > 255 { break }
                }
                if gaps.count <= 255 { e = gaps }
            }
            edges[f] = e
            for i in 0..<n {
                // The first edge at or above the value.
                var lo = 0, hi = e.count
                let v = column[i]
                while lo < hi { let m = (lo + hi) / 2; if v <= e[m] { hi = m } else { lo = m + 1 } }
                codes[f * n + i] = UInt8(lo)
            }
        }
        self.edges = edges; self.codes = codes
    }
}

/// Grows one tree depth-first (preorder) on a bootstrap sample.
private struct TreeGrower {
    let bins: Bins
    let labels: [Int]
    let classWeight: [Double]
    let classCount: Int
    let parameters: ForestParameters
    var rng: SplitMix64
    var tree = DecisionTree()
    var importance: [Double]
    var index: [Int32]
    var hist: [Double]
    var histCount: [Int32]
    var order: [Int]
    /// Each class's rows, for a balanced bootstrap (empty: the plain one).
    let byClass: [[Int32]]

    init(bins: Bins, labels: [Int], classWeight: [Double], classCount: Int, parameters: ForestParameters, rng: SplitMix64,
         byClass: [[Int32]] = []) {
        self.bins = bins; self.labels = labels; self.classWeight = classWeight; self.classCount = classCount
        self.parameters = parameters; self.rng = rng; self.byClass = byClass
        importance = [Double](repeating: 0, count: bins.featureCount)
        index = []
        hist = [Double](repeating: 0, count: 256 * classCount)
        histCount = [Int32](repeating: 0, count: 256)
        order = Array(0..<bins.featureCount)
    }

    mutating func grow() -> (DecisionTree, [Double]) {
        let n = bins.rows
        let classes = byClass.filter { !$0.isEmpty }
        if classes.count >= 2, let smallest = classes.map(\.count).min() {
            // As many from every class as the smallest has, class by class in index order.
            index = []
            index.reserveCapacity(smallest * classes.count)
            for rows in classes { for _ in 0..<smallest { index.append(rows[rng.fastBelow(rows.count)]) } }
        } else {
            index = (0..<n).map { _ in Int32(rng.fastBelow(n)) }
        }
        node(0, index.count, depth: 0)
        return (tree, importance)
    }

    /// Weight times Gini impurity of a node with class weights `w`: total - Σ w² / total.
    private static func impurity(_ w: [Double], _ total: Double) -> Double {
        guard total > 0 else { return 0 }
        return total - w.reduce(0) { $0 + $1 * $1 } / total
    }

    private mutating func node(_ start: Int, _ end: Int, depth: Int) {
        let k = classCount
        var w = [Double](repeating: 0, count: k)
        for j in start..<end { let l = labels[Int(index[j])]; w[l] += classWeight[l] }
        let total = w.reduce(0, +)
        let count = end - start
        let pure = w.filter { $0 > 0 }.count <= 1
        let me = tree.feature.count
        tree.feature.append(-1); tree.threshold.append(0); tree.next.append(0)
        var best: (feature: Int, bin: Int, score: Double)?
        if !pure && depth < parameters.maxDepth && count >= 2 * max(1, parameters.minLeaf) {
            best = split(start, end, w, total)
        }
        guard let best else {
            tree.next[me] = Int32(tree.values.count)
            for c in 0..<k {
                let p = total > 0 ? w[c] / total : 1 / Double(k)
                tree.values.append(Float((p * 1000).rounded() / 1000))
            }
            return
        }
        // Partition the node's samples: bin <= best.bin first.
        let f = best.feature, n = bins.rows
        var lo = start, hi = end - 1
        while lo <= hi {
            if Int(bins.codes[f * n + Int(index[lo])]) <= best.bin { lo += 1 } else { index.swapAt(lo, hi); hi -= 1 }
        }
        importance[f] += max(0, Self.impurity(w, total) - best.score)
        tree.feature[me] = Int32(f)
        tree.threshold[me] = bins.edges[f][best.bin]
        node(start, lo, depth: depth + 1)
        tree.next[me] = Int32(tree.feature.count)
        node(lo, end, depth: depth + 1)
    }

    /// The best (feature, bin) among `candidates` random features by weighted Gini of the children
    /// (`score`: left weight x left Gini + right weight x right Gini), or nil when none leaves
    /// `minLeaf` samples on both sides and lowers the impurity.
    private mutating func split(_ start: Int, _ end: Int, _ w: [Double], _ total: Double) -> (feature: Int, bin: Int, score: Double)? {
        let k = classCount, n = bins.rows, d = bins.featureCount
        let m = parameters.candidates(d), minLeaf = max(1, parameters.minLeaf)
        let count = end - start
        var best: (feature: Int, bin: Int, score: Double)?
        let parent = Self.impurity(w, total)
        // A partial Fisher-Yates shuffle picks the candidates.
        for c in 0..<m { order.swapAt(c, c + rng.fastBelow(d - c)) }
        var left = [Double](repeating: 0, count: k)
        for c in 0..<m {
            let f = order[c], edges = bins.edges[f].count
            guard edges > 0 else { continue }
            for b in 0...edges { histCount[b] = 0; for q in 0..<k { hist[b * k + q] = 0 } }
            let base = f * n
            for j in start..<end {
                let i = Int(index[j]), b = Int(bins.codes[base + i]), l = labels[i]
                hist[b * k + l] += classWeight[l]; histCount[b] += 1
            }
            for q in 0..<k { left[q] = 0 }
            var leftCount = 0, leftTotal = 0.0
            for b in 0..<edges {
                leftCount += Int(histCount[b])
                guard histCount[b] > 0 || b == 0 else { continue }
                for q in 0..<k { left[q] += hist[b * k + q]; leftTotal += hist[b * k + q] }
                if leftCount < minLeaf { continue }
                if count - leftCount < minLeaf { break }
                let rightTotal = total - leftTotal
                guard leftTotal > 0, rightTotal > 0 else { continue }
                var sl = 0.0, sr = 0.0
                for q in 0..<k {
                    let a = left[q], r = w[q] - left[q]
                    sl += a * a; sr += r * r
                }
                let score = (leftTotal - sl / leftTotal) + (rightTotal - sr / rightTotal)
                if score < parent - 1e-12 * max(total, 1), best.map({ score < $0.score }) ?? true { best = (f, b, score) }
            }
        }
        return best
    }
}
