import Foundation
import StainShiftCohort
import StainShiftScoring

/// The marker names the cohort and pipeline tests' manifests know.
public let markers: Set<String> = ["pdl1", "hla1", "crt", "hmgb1", "ki67"]

/// Percent positive and H-score of tumour cells: enough of a marker for the cohort maths.
public let simpleScores: MarkerScoring = { _, t in
    [MarkerScore(name: "tps", value: t.tumour.percentPositive), MarkerScore(name: "hscore", value: t.tumour.hScore)]
}
