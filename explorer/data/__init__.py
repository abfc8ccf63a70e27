"""Preset data files (TOML). Read through ``explorer.core.presets``."""
