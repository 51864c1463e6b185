"""Territory colours: a qualitative palette that stays distinct side by side."""

from __future__ import annotations

import colorsys

import numpy as np

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


GOLDEN_ANGLE = 137.508


def palette_color(k: int) -> str:
    """The k-th colour: the palette first, then golden-angle hues (never repeating soon)."""
    if k < len(PALETTE):
        return PALETTE[k]
    j = k - len(PALETTE)
    hue = (j * GOLDEN_ANGLE) % 360 / 360
    sat = (0.35, 0.5, 0.65)[j % 3]
    val = (0.92, 0.8, 0.68)[(j // 3) % 3]
    r, g, b = colorsys.hsv_to_rgb(hue, sat, val)
    return f"#{round(r * 255):02x}{round(g * 255):02x}{round(b * 255):02x}"


def next_free_color(used: set[str], count: int | None = None) -> str:
    """The first colour of the sequence not in ``used``.

    ``count`` (the number of existing territories) is accepted for compatibility; the
    sequence itself never repeats, so it is not needed.
    """
    k = 0
    while palette_color(k) in used:
        k += 1
    return palette_color(k)


def neighbour_distinct_colors(
    labels: np.ndarray,
    ei: np.ndarray,
    ej: np.ndarray,
    k: int,
    fixed: dict[int, str] | None = None,
    preferred: dict[int, str] | None = None,
) -> list[str]:
    """Colours for territories ``0..k-1`` such that neighbours get different colours.

    Greedy colouring of the territory adjacency graph, most-connected territory first
    (Welsh & Powell 1967), drawing from the palette sequence; ``fixed`` colours (locked,
    carried-over territories) are kept.

    Parameters
    ----------
    labels : numpy.ndarray
        Territory index per unit (-1 unassigned).
    ei, ej : numpy.ndarray
        Unit adjacency edges.
    k : int
        Number of territories.
    fixed : dict, optional
        Territory index -> colour that must not change.
    preferred : dict, optional
        Territory index -> colour to keep (in order) unless a neighbour already has it,
        e.g. the colours of the territories a new plan continues.
    """
    a, b = labels[ei], labels[ej]
    cut = (a != b) & (a >= 0) & (b >= 0)
    neighbours: list[set[int]] = [set() for _ in range(k)]
    for x, y in zip(a[cut].tolist(), b[cut].tolist(), strict=True):
        neighbours[x].add(y)
        neighbours[y].add(x)
    colors: dict[int, str] = dict(fixed or {})
    for t, c in (preferred or {}).items():
        if t not in colors and all(colors.get(u) != c for u in neighbours[t]):
            colors[t] = c
    for t in sorted(range(k), key=lambda t: (-len(neighbours[t]), t)):
        if t in colors:
            continue
        taken = {colors[n] for n in neighbours[t] if n in colors}
        used = set(colors.values())
        colors[t] = _pick(taken, used)
    return [colors[t] for t in range(k)]


def _pick(taken: set[str], used: set[str]) -> str:
    """A palette colour nobody uses yet, else one no neighbour uses, else a new hue."""
    for c in PALETTE:
        if c not in used and c not in taken:
            return c
    for c in PALETTE:
        if c not in taken:
            return c
    return next_free_color(taken | used)
