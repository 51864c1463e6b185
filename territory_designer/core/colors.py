"""Territory colours: a qualitative palette that stays distinct side by side."""

from __future__ import annotations

# Tableau 20 reordered so that consecutive colours contrast, then lighter variants.
PALETTE = (
    "#4e79a7",
    "#f28e2b",
    "#59a14f",
    "#e15759",
    "#b07aa1",
    "#edc948",
    "#76b7b2",
    "#ff9da7",
    "#9c755f",
    "#bab0ac",
    "#a0cbe8",
    "#ffbe7d",
    "#8cd17d",
    "#ff9d9a",
    "#d4a6c8",
    "#f1ce63",
    "#86bcb6",
    "#fabfd2",
    "#d7b5a6",
    "#79706e",
)

UNASSIGNED_COLOR = "#ffffff"


def palette_color(k: int) -> str:
    """The k-th palette colour (cycles)."""
    return PALETTE[k % len(PALETTE)]


def next_free_color(used: set[str]) -> str:
    """First palette colour not in ``used`` (or the cycle's next one)."""
    for c in PALETTE:
        if c not in used:
            return c
    return palette_color(len(used))
