import StainShiftClassify

/// Colours and labels of the PD-L1 change groups, shared by badges, plots and legends.
/// Okabe-Ito palette: distinguishable with the common colour-vision deficiencies.
enum GroupStyle {
    static func colour(_ group: PDL1Group?) -> String {
        switch group {
        case .increase: "#D55E00"
        case .decrease: "#0072B2"
        case .noChange: "#7A7A7A"
        case .insufficient, nil: "#BDBDBD"
        }
    }

    static func label(_ group: PDL1Group?) -> String {
        switch group {
        case .increase: "increase"
        case .decrease: "decrease"
        case .noChange: "no change"
        case .insufficient: "insufficient"
        case nil: "no call"
        }
    }

    /// CSS class of a badge: `g-increase`, `g-no_change`, ...
    static func cssClass(_ group: PDL1Group?) -> String { "g-" + (group?.rawValue ?? "none") }
}
