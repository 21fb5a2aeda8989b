import Foundation
import StainShiftCohort

extension HTMLReport {
    /// The patient page's whole-slide pictures: for each slide scored tile by tile, its thumbnail
    /// (heat map over the tissue, scored regions outlined) and its heat map of positive cells per
    /// mm², from the paths the run recorded (`SlideRecord.thumbnail`, `.heatmap`, relative to
    /// OUTDIR, the overlays folder's parent). Nil when no slide has them (template
    /// `patient-slide-maps`).
    func slideMaps(_ patient: String) -> SlideMapsPart? {
        guard view.options.includeThumbnails, let overlays = view.options.overlaysDirectory else { return nil }
        let outdir = URL(fileURLWithPath: overlays).deletingLastPathComponent().path
        var images: [ThumbnailsPart.Image] = []
        for slide in (view.slides[patient] ?? []) where slide.thumbnail != nil {
            let caption = "\(MetricInfo.markerName(slide.marker)), \(slide.timepoint == .pre ? "before" : "after") radiotherapy (\(slide.slide))"
            for (file, what) in [(slide.thumbnail, "thumbnail with heat map and scored regions"),
                                 (slide.heatmap, "heat map, viridis from 0 to the maximum in its PNG text")] {
                guard let file, let t = Thumbnail.load(folder: outdir, fileName: file, marker: slide.marker, timepoint: slide.timepoint,
                                                       maxBytes: view.options.maxThumbnailBytes) else { continue }
                images.append(ThumbnailsPart.Image(t, caption: "\(caption): \(what)", alt: "\(caption): \(what)"))
            }
        }
        return images.isEmpty ? nil : SlideMapsPart(images: images)
    }
}
