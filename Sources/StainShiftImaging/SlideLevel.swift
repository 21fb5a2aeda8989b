/// One level of a whole-slide pyramid, as OpenSlide reports it: its size in pixels and how many
/// level-0 pixels one of its pixels spans (1 for level 0; about 4, 16, ... below it).
public struct SlideLevel: Sendable, Equatable {
    public var width: Int
    public var height: Int
    public var downsample: Double

    public init(width: Int, height: Int, downsample: Double) {
        self.width = width
        self.height = height
        self.downsample = downsample
    }
}
