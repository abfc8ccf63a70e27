"""Preset data files (TOML). Read through ``explorer.core.specs.presets``."""
