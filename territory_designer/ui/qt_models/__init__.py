"""Qt item models that wrap core collections (they never copy them)."""
