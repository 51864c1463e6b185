"""ui/dialogs package."""
