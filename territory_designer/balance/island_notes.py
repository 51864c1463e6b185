"""Notes on the separate parts of a layer (islands, exclaves): which territory each joined.

The engine ties every separate part to the part nearest to it (the mainland or another
island: :func:`~territory_designer.balance.graph.island_links`), so a part goes with the
territory nearest to it. The report says so, part by part, and says plainly when a part
ended up in a territory farther away than the nearest one (a lock, a "stay within" group or
a rule barred the nearest, or the balance split the parts): never a silent attachment to a
far-away territory.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from scipy.spatial import cKDTree

from territory_designer.balance.islands import nearest_outside

MAX_NAMED = 5  # parts named in a note; the rest are counted


def island_notes(
    xy: np.ndarray,
    components: np.ndarray,
    labels: np.ndarray,
    unit_names: np.ndarray | None = None,
    weight: np.ndarray | None = None,
    area: np.ndarray | None = None,
) -> list[str]:
    """Notes on the territory each separate part of the layer joined.

    Parameters
    ----------
    xy : numpy.ndarray
        (n, 2) unit centroids in metres.
    components : numpy.ndarray
        Connected component of each unit in the layer's neighbour graph.
    labels : numpy.ndarray
        Territory index per unit (-1 unassigned).
    unit_names : numpy.ndarray, optional
        Names of the units (default: their indices).
    weight, area : numpy.ndarray, optional
        Balanced weight and area of each unit: a part of several units is named after its
        heaviest unit, or its largest when none weighs anything (Alaska's mainland after
        Anchorage, not after whichever county comes first in the file).

    Returns
    -------
    list of str
        One note for the parts that joined the nearest territory, one per part that did not.
    """
    components = np.asarray(components)
    labels = np.asarray(labels)
    if components.size == 0 or components.max(initial=0) == 0:
        return []
    mainland_id = int(np.bincount(components).argmax())
    placed = np.flatnonzero(labels >= 0)
    if not (components[placed] == mainland_id).any():
        return []
    tree = cKDTree(xy[placed])
    where = np.full(labels.size, -1, dtype=np.int64)
    where[placed] = np.arange(placed.size)
    ask = where[placed[components[placed] != mainland_id]]
    # The nearest unit outside each part: of the mainland or of another part (Kauai's
    # is on Honolulu, Vieques's on Puerto Rico).
    nearest = nearest_outside(tree, xy[placed], components[placed], ask)

    def name(u: int) -> str:
        return str(unit_names[u]) if unit_names is not None else f"unit {u}"

    near_parts, far_notes = [], []
    for part, (a, b) in sorted(nearest.items()):
        units = placed[components[placed] == part]
        joined = int(np.bincount(labels[units]).argmax())
        nearest_unit = int(placed[b])
        label = _part_label(units, name, weight, area)
        km = float(np.hypot(*(xy[placed[a]] - xy[nearest_unit]))) / 1000
        if labels[nearest_unit] == joined:
            near_parts.append(f"{label}, {km:,.1f} km from {name(nearest_unit)}")
            continue
        own = placed[(labels[placed] == joined) & (components[placed] != part)]
        if own.size:
            far_km = float(cKDTree(xy[own]).query(xy[units])[0].min()) / 1000
            how_far = f"a territory {far_km:,.1f} km away"
        else:
            how_far = "a territory with no unit outside it"
        far_notes.append(
            f"Separate part {label} joined {how_far}, although the territory of "
            f"{name(nearest_unit)} is {km:,.1f} km away: a lock, a group, a rule or the "
            "balance kept it from the nearest territory."
        )
    notes = []
    if near_parts:
        shown = "; ".join(near_parts[:MAX_NAMED])
        more = f"; and {len(near_parts) - MAX_NAMED} more" if len(near_parts) > MAX_NAMED else ""
        notes.append(
            f"{len(near_parts)} separate part(s) of the layer (islands, exclaves) joined the "
            f"territory nearest to them: {shown}{more}."
        )
    return notes + far_notes


def _part_label(
    units: np.ndarray,
    name: Callable[[int], str],
    weight: np.ndarray | None,
    area: np.ndarray | None,
) -> str:
    """``"Kauai"`` for a one-unit part, ``"Anchorage and 27 other units"`` for a larger one
    (named after its heaviest unit, then its largest)."""
    if units.size == 1:
        return name(int(units[0]))
    keys = [k[units] for k in (area, weight) if k is not None]  # lexsort: last key first
    main = int(units[np.lexsort(keys)[-1]]) if keys else int(units[0])
    return f"{name(main)} and {units.size - 1} other units"
