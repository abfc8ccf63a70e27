"""Presenting: tours, presenter mode, themes, exports."""
