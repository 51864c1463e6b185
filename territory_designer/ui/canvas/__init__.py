"""ui/canvas package."""
