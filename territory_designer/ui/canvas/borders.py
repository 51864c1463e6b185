"""Territory borders from a table of unit boundary segments, without dissolving.

A territory's outline is where the units on either side of a boundary segment belong to
different territories (or where there is no unit on the other side). So the display
geometry of one level of detail is cut once into segments, and each segment is given the
two units it separates, by hashing quantised end points as
:func:`territory_designer.core.adjacency._shared_segments` does. Neighbours that do not
share vertices exactly (layers that are not a clean coverage, such as independently
simplified densified boundaries) leave segments without a twin; a probe point just
outside such a segment finds the unit across it (or none: the layer's outer edge).

After an edit, a territory's border is a vectorised selection of segments joined into
polylines and serialised for ``QDataStream`` (see :mod:`.paths`): a few milliseconds for
the territories a stroke touched, whatever the vertex count of the layer.
"""

from __future__ import annotations

import numpy as np
import shapely

from territory_designer.ui.canvas.paths import LINE_TO, MOVE_TO, path_from_elements, scene_y

#: Label of "no unit" on the far side of a segment (never a territory code).
OUTSIDE = -(2**31)


def _quantum(geoms: np.ndarray) -> float:
    """Vertex matching grid, as in the adjacency computation (<= 1 mm)."""
    xmin, ymin, xmax, ymax = shapely.total_bounds(geoms)
    return min(max(xmax - xmin, ymax - ymin, 1e-9) * 1e-7, 1e-3)


def _gather(indptr: np.ndarray, indices: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """Concatenated CSR rows ``rows``."""
    starts, ends = indptr[rows], indptr[rows + 1]
    lens = ends - starts
    total = int(lens.sum())
    if total == 0:
        return np.empty(0, dtype=indices.dtype)
    shift = np.repeat(starts - np.r_[0, np.cumsum(lens)[:-1]], lens)
    return indices[np.arange(total) + shift]


class BorderSegments:
    """Unique boundary segments of a polygon layer and the units on either side.

    Parameters
    ----------
    geoms : numpy.ndarray of shapely geometries
        Unit polygons (one level of detail) in project coordinates.

    Attributes
    ----------
    a, b : numpy.ndarray of int32
        Units on either side of each segment; ``b`` is -1 on the layer's outer edge.
    xy0, xy1 : numpy.ndarray
        End points of each segment in scene coordinates (n x 2).
    """

    def __init__(self, geoms: np.ndarray) -> None:
        geoms = np.asarray(geoms, dtype=object)
        self.n_units = geoms.size
        parts, part_owner = shapely.get_parts(geoms, return_index=True)
        rings, ring_part = shapely.get_rings(parts, return_index=True)
        coords, ring_of = shapely.get_coordinates(rings, return_index=True)
        owner = part_owner[ring_part[ring_of]]
        q = np.round(coords / _quantum(geoms)).astype(np.int64)
        seg = np.flatnonzero((ring_of[:-1] == ring_of[1:]) & np.any(q[:-1] != q[1:], axis=1))
        qa, qb, own = q[seg], q[seg + 1], owner[seg]
        swap = (qa[:, 0] > qb[:, 0]) | ((qa[:, 0] == qb[:, 0]) & (qa[:, 1] > qb[:, 1]))
        lo, hi = np.where(swap[:, None], qb, qa), np.where(swap[:, None], qa, qb)
        order = np.lexsort((own, hi[:, 1], hi[:, 0], lo[:, 1], lo[:, 0]))
        keys = np.column_stack([lo, hi])[order]
        starts = np.flatnonzero(np.r_[True, np.any(keys[1:] != keys[:-1], axis=1)])
        count = np.diff(np.r_[starts, order.size])
        first = order[starts]
        twin = np.where(count >= 2, order[np.minimum(starts + 1, order.size - 1)], -1)
        # Keep each segment where its first owner's ring has it, in ring order, so that
        # consecutive segments chain into polylines.
        by_pos = np.argsort(seg[first], kind="stable")
        first, twin = first[by_pos], twin[by_pos]
        pos = seg[first]
        self.a = own[first].astype(np.int32)
        self.b = np.where(twin >= 0, own[np.maximum(twin, 0)], -1).astype(np.int32)
        p0, p1 = coords[pos], coords[pos + 1]
        del q, qa, qb, lo, hi, keys, order, owner, ring_of, coords
        self._resolve_unmatched(geoms, p0, p1)
        self.xy0 = np.column_stack([p0[:, 0], scene_y(p0[:, 1])])
        self.xy1 = np.column_stack([p1[:, 0], scene_y(p1[:, 1])])
        #: Whether segment k continues segment k - 1 along the same ring.
        self.continues = np.r_[False, pos[1:] == pos[:-1] + 1]
        # Unit -> segments on its boundary (CSR).
        side = np.r_[self.a, self.b]
        seg_ids = np.r_[np.arange(self.a.size), np.arange(self.b.size)].astype(np.int32)
        valid = side >= 0
        side, seg_ids = side[valid], seg_ids[valid]
        by_unit = np.argsort(side, kind="stable")
        self._unit_segs = seg_ids[by_unit]
        self._indptr = np.r_[0, np.cumsum(np.bincount(side, minlength=self.n_units))]

    def __len__(self) -> int:
        return int(self.a.size)

    def _resolve_unmatched(self, geoms: np.ndarray, p0: np.ndarray, p1: np.ndarray) -> None:
        """Find the unit across each segment without a twin (-1 when there is none).

        A point a little off the segment's midpoint, on the side away from its own unit,
        is looked up among all units: neighbours that do not share vertices exactly still
        overlap or nearly touch there, while nothing lies beyond the layer's outer edge.
        """
        idx = np.flatnonzero(self.b < 0)
        if idx.size == 0:
            return
        xmin, ymin, xmax, ymax = shapely.total_bounds(geoms)
        reach = 1e-6 * max(xmax - xmin, ymax - ymin, 1e-9)
        d = p1[idx] - p0[idx]
        length = np.hypot(d[:, 0], d[:, 1])
        step = (np.minimum(reach, 0.25 * length) / np.maximum(length, 1e-300))[:, None]
        mid = (p0[idx] + p1[idx]) / 2
        normal = np.column_stack([-d[:, 1], d[:, 0]]) * step
        left, right = mid + normal, mid - normal
        own = self.a[idx]
        left_inside = shapely.contains_xy(geoms[own], left[:, 0], left[:, 1])
        probe = np.where(left_inside[:, None], right, left)
        hit_probe, hit_unit = shapely.STRtree(geoms).query(
            shapely.points(probe), predicate="intersects"
        )
        other = hit_unit != own[hit_probe]
        hit_probe, hit_unit = hit_probe[other], hit_unit[other]
        found = np.full(idx.size, -1, dtype=np.int32)
        found[hit_probe[::-1]] = hit_unit[::-1]  # the first unit found for each probe
        self.b[idx] = found

    def segments_of_units(self, units: np.ndarray) -> np.ndarray:
        """Sorted ids of the segments on the boundary of any of ``units``."""
        units = np.asarray(units, dtype=np.int64)
        mask = np.zeros(len(self), dtype=bool)
        mask[_gather(self._indptr, self._unit_segs, units)] = True
        return np.flatnonzero(mask)

    def borders(
        self, assignment: np.ndarray, codes: list[int] | np.ndarray | None = None
    ) -> dict[int, np.ndarray]:
        """Border segments of each territory ``codes`` (every code when None).

        A territory's border holds the segments with one of its units on one side and a
        unit of another territory, an unassigned unit or nothing on the other.

        Returns
        -------
        dict of int to numpy.ndarray
            Code -> sorted segment ids (codes without units map to an empty array).
        """
        assignment = np.asarray(assignment)
        labels = np.append(assignment, OUTSIDE).astype(np.int64)  # b == -1 -> OUTSIDE
        if codes is None:
            wanted = np.unique(assignment)
            segs = np.arange(len(self))
        else:
            wanted = np.unique(np.asarray(list(codes), dtype=np.int64))
            segs = self.segments_of_units(np.flatnonzero(np.isin(assignment, wanted)))
        la, lb = labels[self.a[segs]], labels[self.b[segs]]
        differ = la != lb
        segs, la, lb = segs[differ], la[differ], lb[differ]
        code = np.r_[la, lb]
        seg = np.r_[segs, segs]
        keep = np.isin(code, wanted)
        code, seg = code[keep], seg[keep]
        order = np.lexsort((seg, code))
        code, seg = code[order], seg[order]
        cuts = np.searchsorted(code, wanted)
        ends = np.searchsorted(code, wanted, side="right")
        return {int(c): seg[s:e] for c, s, e in zip(wanted.tolist(), cuts, ends, strict=True)}

    def elements(self, segs: np.ndarray) -> np.ndarray:
        """Path elements drawing segments ``segs`` (sorted ids), joined where they chain."""
        segs = np.asarray(segs, dtype=np.int64)
        n = segs.size
        starts = np.ones(n, dtype=bool)
        if n > 1:
            starts[1:] = ~((segs[1:] == segs[:-1] + 1) & self.continues[segs[1:]])
        line_at = np.arange(n) + np.cumsum(starts)
        out = np.empty(n + int(starts.sum()), dtype=[("t", ">i4"), ("x", ">f8"), ("y", ">f8")])
        out["t"][line_at] = LINE_TO
        out["x"][line_at], out["y"][line_at] = self.xy1[segs, 0], self.xy1[segs, 1]
        move_at, move_seg = line_at[starts] - 1, segs[starts]
        out["t"][move_at] = MOVE_TO
        out["x"][move_at], out["y"][move_at] = self.xy0[move_seg, 0], self.xy0[move_seg, 1]
        return out

    def path(self, segs: np.ndarray) -> object:
        """A :class:`QPainterPath` of segments ``segs`` (sorted ids)."""
        return path_from_elements(self.elements(segs))
