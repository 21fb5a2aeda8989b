// StainShiftClassify: see ARCHITECTURE.md.
