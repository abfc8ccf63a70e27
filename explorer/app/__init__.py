"""The Qt side: windows, panels and plots. Holds no formulas — everything comes from explorer.core."""
