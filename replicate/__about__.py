"""The package version (1.x kept it here too)."""

__version__ = "2.0.0a1"
