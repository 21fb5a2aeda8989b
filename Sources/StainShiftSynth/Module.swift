// StainShiftSynth: see ARCHITECTURE.md.
