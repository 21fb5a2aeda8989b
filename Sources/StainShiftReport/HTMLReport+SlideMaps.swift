import Foundation
import StainShiftCohort

extension HTMLReport {
    /// The patient page's whole-slide pictures (issue 16): for each slide scored tile by tile, its
    /// thumbnail (heat map over the tissue, scored regions outlined) and its heat map of positive
    /// cells per mm², from the paths the run recorded (`SlideRecord.thumbnail`, `.heatmap`, relative
    /// to OUTDIR, the overlays folder's parent). Nothing when no slide has them. One function on
    /// its own so it can move to the report's templates as it is.
    func slideMaps(_ patient: String, _ w: inout HTMLWriter) {
        guard view.options.includeThumbnails, let overlays = view.options.overlaysDirectory else { return }
        let outdir = URL(fileURLWithPath: overlays).deletingLastPathComponent().path
        let slides = (view.slides[patient] ?? []).filter { $0.thumbnail != nil }
        guard !slides.isEmpty else { return }
        w.element("h3", [:], "Whole slides: positive cells per mm²")
        w.wrap("div", ["class": "thumbs"]) { w in
            for slide in slides {
                let caption = "\(MetricInfo.markerName(slide.marker)), \(slide.timepoint == .pre ? "before" : "after") radiotherapy (\(slide.slide))"
                for (file, what) in [(slide.thumbnail, "thumbnail with heat map and scored regions"), (slide.heatmap, "heat map, viridis from 0 to the maximum in its PNG text")] {
                    guard let file, let t = Thumbnail.load(folder: outdir, fileName: file, marker: slide.marker, timepoint: slide.timepoint,
                                                           maxBytes: view.options.maxThumbnailBytes) else { continue }
                    w.wrap("figure", ["class": "thumb", "data-marker": slide.marker, "data-timepoint": slide.timepoint.rawValue]) { w in
                        if let uri = t.dataURI {
                            w.element("img", ["src": uri, "alt": "\(caption): \(what)", "style": "image-rendering: pixelated"])
                        } else {
                            w.element("p", ["class": "muted"], "\(t.fileName) not embedded: \(t.problem ?? "unreadable")")
                        }
                        w.element("figcaption", [:], "\(caption): \(what)")
                    }
                }
            }
        }
    }
}
