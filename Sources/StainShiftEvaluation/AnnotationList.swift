import Foundation

/// One row of an annotation list: an image, its expert points and how to read them.
public struct EvaluationItem: Sendable, Equatable {
    /// The image as written in the list, and resolved against the list's folder.
    public var image: String
    public var imagePath: String
    public var annotations: String
    public var annotationsPath: String
    /// The group the image is summarised in (a dataset, a scanner, a lab).
    public var source: String
    /// Whether every nucleus of the image is labelled. When not, a detection without a point may be
    /// an unlabelled cell, not a false one: precision and F1 are not defined.
    public var complete: Bool
    /// µm per pixel for this image; nil: the command's option, the image's metadata, else 0.5.
    public var pixelSizeMicrons: Double?
    /// Another tool's cells for this image (`DetectionTable`), evaluated instead of scoring the image.
    public var detectionsPath: String?

    public init(image: String, imagePath: String, annotations: String, annotationsPath: String, source: String,
                complete: Bool = true, pixelSizeMicrons: Double? = nil, detectionsPath: String? = nil) {
        self.image = image; self.imagePath = imagePath; self.annotations = annotations
        self.annotationsPath = annotationsPath; self.source = source; self.complete = complete
        self.pixelSizeMicrons = pixelSizeMicrons; self.detectionsPath = detectionsPath
    }
}

/// `LIST.tsv` (or CSV): columns `image` and `annotations`, paths relative to the list's folder;
/// optional `source` (default: the image's folder, or that folder's parent when it is called
/// `images`), `complete` (`yes`/`no`, default yes), `pixel_size` (µm) and `detections` (another
/// tool's cells, `DetectionTable`, evaluated in place of StainShift's).
public enum AnnotationList {
    public static func read(_ path: String) throws(EvaluationError) -> [EvaluationItem] {
        let table = try DelimitedText.read(path)
        try table.require(["image", "annotations"])
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent()
        func resolve(_ p: String) -> String { p.hasPrefix("/") ? p : folder.appendingPathComponent(p).standardized.path }
        var items: [EvaluationItem] = []
        for (line, row) in table.rows {
            let image = row["image"] ?? "", annotations = row["annotations"] ?? ""
            guard !image.isEmpty else { throw EvaluationError(path: path, line: line, reason: "empty image") }
            guard !annotations.isEmpty else { throw EvaluationError(path: path, line: line, reason: "empty annotations") }
            let imagePath = resolve(image)
            var complete = true
            if let text = row["complete"]?.lowercased(), !text.isEmpty {
                switch text {
                case "yes", "true", "1": complete = true
                case "no", "false", "0": complete = false
                default: throw EvaluationError(path: path, line: line, reason: "complete '\(text)' is not yes or no")
                }
            }
            var pixelSize: Double?
            if let text = row["pixel_size"], !text.isEmpty {
                guard let v = Double(text), v.isFinite, v > 0 else {
                    throw EvaluationError(path: path, line: line, reason: "pixel_size '\(text)' is not a positive number")
                }
                pixelSize = v
            }
            let source = row["source"].flatMap { $0.isEmpty ? nil : $0 } ?? defaultSource(imagePath)
            let detections = row["detections"].flatMap { $0.isEmpty ? nil : resolve($0) }
            items.append(EvaluationItem(image: image, imagePath: imagePath, annotations: annotations,
                                        annotationsPath: resolve(annotations), source: source, complete: complete,
                                        pixelSizeMicrons: pixelSize, detectionsPath: detections))
        }
        guard !items.isEmpty else { throw EvaluationError(path: path, reason: "lists no images") }
        return items
    }

    /// The image's folder name, or its parent's when the folder is called `images`.
    public static func defaultSource(_ imagePath: String) -> String {
        let folder = URL(fileURLWithPath: imagePath).deletingLastPathComponent()
        if folder.lastPathComponent.lowercased() == "images" { return folder.deletingLastPathComponent().lastPathComponent }
        return folder.lastPathComponent
    }
}
