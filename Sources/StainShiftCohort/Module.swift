// StainShiftCohort: see ARCHITECTURE.md.
