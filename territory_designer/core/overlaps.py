"""Units that overlap: within one layer, or between a project's units and a new layer.

Units must partition the ground, or an account inside two units would be counted for
whichever unit wins. Like the "must not overlap" rule of GIS topology checkers (ArcGIS
geodatabase topology, the QGIS topology checker), two units overlap when their interiors
share an area; unlike a plain intersection test, the slivers that two independently
digitised boundaries leave along a shared edge are tolerated: an overlap counts only
when it exceeds :data:`SLIVER_FRACTION` of the smaller unit's area.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely

#: Overlaps under this share of the smaller unit's area are digitising slivers.
SLIVER_FRACTION = 0.01
#: A unit the new layer covers at least this share of is replaced whole: what is left
#: of it is the fringe two sources disagree on, not a unit of its own.
COVERED_SHARE = 0.9
#: How many pairs a description names.
SHOWN_PAIRS = 5


@dataclass(frozen=True)
class Overlaps:
    """Overlapping pairs: unit ``first[k]`` of one layer and ``second[k]`` of the other.

    Within one layer, ``first[k] < second[k]``. Areas are in the CRS's square units
    (square metres in a project).
    """

    first: np.ndarray
    second: np.ndarray
    area: np.ndarray

    def __len__(self) -> int:
        return int(self.first.size)

    @property
    def total_km2(self) -> float:
        """Total overlapping area in km² (pairs summed)."""
        return float(self.area.sum()) / 1e6

    def describe(self, first_ids: np.ndarray, second_ids: np.ndarray | None = None) -> str:
        """``3 pairs of units overlap (12.5 km² in all), e.g. A/B (10.1 km²), ...``."""
        second_ids = first_ids if second_ids is None else second_ids
        order = np.argsort(-self.area, kind="stable")[:SHOWN_PAIRS]
        shown = ", ".join(
            f"{first_ids[self.first[k]]}/{second_ids[self.second[k]]} "
            f"({self.area[k] / 1e6:,.2f} km²)"
            for k in order
        )
        pairs = "pair of units overlaps" if len(self) == 1 else "pairs of units overlap"
        more = f" and {len(self) - SHOWN_PAIRS} more" if len(self) > SHOWN_PAIRS else ""
        return f"{len(self)} {pairs} ({self.total_km2:,.2f} km² in all): {shown}{more}"


def find_overlaps(
    geoms: np.ndarray,
    others: np.ndarray | None = None,
    sliver_fraction: float = SLIVER_FRACTION,
) -> Overlaps:
    """Pairs of units whose shared area exceeds a sliver.

    Parameters
    ----------
    geoms : array of shapely polygons
        A layer, in a projected CRS.
    others : array of shapely polygons, optional
        A second layer in the same CRS; without it, ``geoms`` is checked against itself.
    sliver_fraction : float
        Overlaps at most this share of the smaller unit's area are ignored.

    Returns
    -------
    Overlaps
        ``first`` indexes ``geoms``, ``second`` indexes ``others`` (or ``geoms``).
    """
    others_ = geoms if others is None else others
    tree = shapely.STRtree(geoms)
    j, i = tree.query(others_, predicate="intersects")  # j: in others, i: in geoms
    if others is None:
        keep = i < j
        i, j = i[keep], j[keep]
    # Neighbours that only touch are the common case: skip them before measuring.
    inner = shapely.relate_pattern(geoms[i], others_[j], "2********")
    i, j = i[inner], j[inner]
    area = shapely.area(shapely.intersection(geoms[i], others_[j]))
    smaller = np.minimum(shapely.area(geoms[i]), shapely.area(others_[j]))
    real = area > sliver_fraction * smaller
    order = np.lexsort((j[real], i[real]))
    return Overlaps(i[real][order], j[real][order], area[real][order])


def covered_parts(
    geoms: np.ndarray,
    cover: np.ndarray,
    sliver_fraction: float = SLIVER_FRACTION,
    covered_share: float = COVERED_SHARE,
) -> tuple[np.ndarray, np.ndarray]:
    """Which units a new layer covers, and what is left of the ones it covers in part.

    Parameters
    ----------
    geoms : array of shapely polygons
        The existing units.
    cover : array of shapely polygons
        The new layer, same CRS.
    sliver_fraction : float
        Overlaps at most this share of the smaller unit's area are ignored.
    covered_share : float
        A unit covered at least this much is covered whole (removed).

    Returns
    -------
    removed : bool array
        Units the new layer covers (at least ``covered_share`` of them).
    trimmed : object array
        For units covered in part, their uncovered rest; None elsewhere.
    """
    overlaps = find_overlaps(geoms, cover, sliver_fraction)
    keep_share = 1.0 - covered_share
    removed = np.zeros(len(geoms), dtype=bool)
    trimmed = np.full(len(geoms), None, dtype=object)
    if not len(overlaps):
        return removed, trimmed
    for unit in np.unique(overlaps.first):
        covering = overlaps.second[overlaps.first == unit]
        rest = shapely.difference(geoms[unit], shapely.union_all(cover[covering]))
        rest = _polygons_of(rest)
        if rest is None or shapely.area(rest) <= keep_share * shapely.area(geoms[unit]):
            removed[unit] = True
        else:
            trimmed[unit] = rest
    return removed, trimmed


def _polygons_of(g: shapely.Geometry) -> shapely.Geometry | None:
    """The polygonal part of a difference (lines and points dropped), None if none."""
    if g is None or g.is_empty:
        return None
    if g.geom_type in ("Polygon", "MultiPolygon"):
        return g
    parts = [p for p in shapely.get_parts(g) if p.geom_type == "Polygon"]
    return shapely.multipolygons(parts) if parts else None


def points_in_several(xy: np.ndarray, geoms: np.ndarray) -> int:
    """How many points lie inside more than one unit (not merely on a shared edge)."""
    finite = np.isfinite(xy).all(axis=1)
    points = shapely.points(xy[finite])
    pi, _ = shapely.STRtree(geoms).query(points, predicate="within")
    return int((np.bincount(pi, minlength=len(points)) > 1).sum())
