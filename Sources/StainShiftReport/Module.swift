// StainShiftReport: see ARCHITECTURE.md.
