"""Territory Designer: offline desktop GIS for balanced sales territories."""

__version__ = "0.1.0"
