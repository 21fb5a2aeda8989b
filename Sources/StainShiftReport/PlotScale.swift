import Foundation

/// A linear map from data values to SVG coordinates, with "nice" tick values
/// (steps of 1, 2 or 5 x 10^k, as in Heckbert's "Nice numbers for graph labels", Graphics Gems 1990).
struct PlotScale {
    let domain: ClosedRange<Double>
    let range: ClosedRange<Double>
    /// SVG y grows downwards: an inverted scale maps the domain's top to the range's start.
    let inverted: Bool

    func callAsFunction(_ value: Double) -> Double {
        let span = domain.upperBound - domain.lowerBound
        let t = span > 0 ? (value - domain.lowerBound) / span : 0.5
        let u = inverted ? 1 - t : t
        return range.lowerBound + u * (range.upperBound - range.lowerBound)
    }

    /// Tick values covering the domain, about `count` of them.
    func ticks(_ count: Int = 6) -> [Double] {
        let step = Self.niceStep(domain.upperBound - domain.lowerBound, count: count)
        guard step > 0, step.isFinite else { return [domain.lowerBound] }
        var ticks: [Double] = []
        var k = (domain.lowerBound / step).rounded(.up)
        while k * step <= domain.upperBound + step * 1e-9, ticks.count < 50 {
            ticks.append(k * step == 0 ? 0 : k * step)
            k += 1
        }
        return ticks
    }

    static func niceStep(_ span: Double, count: Int) -> Double {
        guard span > 0, span.isFinite else { return 1 }
        let raw = span / Double(max(1, count))
        let magnitude = pow(10, (log10(raw)).rounded(.down))
        let fraction = raw / magnitude
        let nice: Double = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10
        return nice * magnitude
    }

    /// The smallest nice interval holding `lo...hi`.
    static func niceDomain(_ lo: Double, _ hi: Double, count: Int = 6) -> ClosedRange<Double> {
        guard lo.isFinite, hi.isFinite else { return 0...1 }
        if hi <= lo { return (lo - 1)...(lo + 1) }
        let step = niceStep(hi - lo, count: count)
        return ((lo / step).rounded(.down) * step)...((hi / step).rounded(.up) * step)
    }
}

/// Coordinates in SVG attributes: one decimal is a tenth of a pixel, and fixed text keeps the
/// report byte-identical between runs.
enum SVGNumber {
    static func format(_ value: Double) -> String {
        guard value.isFinite else { return "0" }
        let text = String(format: "%.1f", value)
        return text == "-0.0" ? "0.0" : text
    }

    /// Tick labels: integers without decimals, others with as few as the step needs.
    static func tick(_ value: Double, step: Double) -> String {
        let decimals = step >= 1 ? 0 : min(6, Int((-log10(step)).rounded(.up)))
        let text = String(format: "%.\(decimals)f", value)
        return text.hasPrefix("-") && Double(text) == 0 ? String(text.dropFirst()) : text
    }
}
