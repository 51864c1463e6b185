"""Territory colours: a qualitative palette that stays distinct side by side."""

from __future__ import annotations

import colorsys
from functools import lru_cache

import numpy as np

from territory_designer.core.color_distance import delta_e_2000, hex_to_lab

# Tableau 10 (pairwise ΔE00 >= 18), then ten softer colours chosen one by one to lie as far
# (ΔE00) as possible from all before them: every pair of the twenty is at least 14 apart, so
# the greedy colouring below almost always finds one at least MIN_NEIGHBOUR_DELTA_E from
# every neighbour. Tableau 20's light variants were too close (#edc948 / #f1ce63: 2.8).
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
    "#a1ace6",
    "#a6e667",
    "#998b45",
    "#9c67e6",
    "#73e6b6",
    "#67bbe6",
    "#e6a1e6",
    "#4c8c99",
    "#e6c9a1",
    "#e68f73",
)

#: Neighbouring territories are at least this far apart (CIEDE2000): clearly different.
MIN_NEIGHBOUR_DELTA_E = 15.0

#: Colours tried after the palette when none of it suits a territory's neighbours.
EXTRA_CANDIDATES = 400

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
    """Colours for territories ``0..k-1`` such that neighbours look clearly different.

    Greedy colouring of the territory adjacency graph, most-connected territory first
    (Welsh & Powell 1967): each territory takes the first palette colour that nobody uses
    yet and lies at least :data:`MIN_NEIGHBOUR_DELTA_E` (CIEDE2000) from every neighbour's
    colour, else a used one that does, else the colour of the longer sequence farthest from
    its neighbours. ``fixed`` colours (locked, carried-over territories) are kept.

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
        Territory index -> colour to keep (in order) unless it is too close to a
        neighbour's, e.g. the colours of the territories a new plan continues.
    """
    a, b = labels[ei], labels[ej]
    cut = (a != b) & (a >= 0) & (b >= 0)
    neighbours: list[set[int]] = [set() for _ in range(k)]
    for x, y in zip(a[cut].tolist(), b[cut].tolist(), strict=True):
        neighbours[x].add(y)
        neighbours[y].add(x)
    colors: dict[int, str] = dict(fixed or {})
    for t, c in (preferred or {}).items():
        if t not in colors and _far_enough(c, [colors[u] for u in neighbours[t] if u in colors]):
            colors[t] = c
    for t in sorted(range(k), key=lambda t: (-len(neighbours[t]), t)):
        if t in colors:
            continue
        near = [colors[n] for n in neighbours[t] if n in colors]
        colors[t] = _pick(near, set(colors.values()))
    return [colors[t] for t in range(k)]


@lru_cache(maxsize=1)
def _candidates() -> tuple[tuple[str, ...], np.ndarray]:
    """The palette then the golden-angle sequence, with their CIELAB coordinates."""
    names = tuple(palette_color(j) for j in range(len(PALETTE) + EXTRA_CANDIDATES))
    return names, hex_to_lab(names)


def _closest(near: list[str]) -> np.ndarray:
    """Per candidate colour, its smallest ΔE00 to the colours in ``near`` (inf if none)."""
    names, lab = _candidates()
    if not near:
        return np.full(len(names), np.inf)
    return delta_e_2000(lab[:, None, :], hex_to_lab(near)[None, :, :]).min(axis=1)


def _far_enough(color: str, near: list[str]) -> bool:
    if not near:
        return True
    gaps = delta_e_2000(hex_to_lab(color)[None, :], hex_to_lab(near))
    return bool(gaps.min() >= MIN_NEIGHBOUR_DELTA_E)


def _pick(near: list[str], used: set[str]) -> str:
    """A palette colour nobody uses yet, else any palette colour, else one further on.

    Each must lie :data:`MIN_NEIGHBOUR_DELTA_E` from every colour in ``near``; when no
    candidate does, the one farthest from them is taken.
    """
    names, _ = _candidates()
    gap = _closest(near)
    ok = gap >= MIN_NEIGHBOUR_DELTA_E
    in_palette = np.arange(len(names)) < len(PALETTE)
    unused = np.array([c not in used for c in names])
    for mask in (ok & in_palette & unused, ok & in_palette, ok & unused, ok):
        hits = np.flatnonzero(mask)
        if len(hits):
            return names[int(hits[0])]
    return names[int(np.argmax(gap))]
