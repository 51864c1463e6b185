"""The model: project, units, accounts, territories, plans, metrics and edits (no Qt)."""
