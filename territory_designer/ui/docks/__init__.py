"""ui/docks package."""
