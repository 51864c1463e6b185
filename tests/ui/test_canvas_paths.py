"""Painter paths built from numpy: holes, multipolygons, y flip, many paths at once."""

from __future__ import annotations

import numpy as np
import shapely
from PySide6.QtCore import QPointF

from territory_designer.ui.canvas.paths import (
    UnitElements,
    combined_path,
    paths_for,
    polygon_from_xy,
    project_xy,
    scene_point,
)

DONUT = shapely.Polygon([(0, 0), (10, 0), (10, 10), (0, 10)], [[(4, 4), (6, 4), (6, 6), (4, 6)]])
PAIR = shapely.MultiPolygon([shapely.box(20, 0, 22, 2), shapely.box(30, 0, 32, 2)])


def inside(path, x, y) -> bool:
    return path.contains(scene_point(x, y))


def test_paths_keep_holes_and_parts_and_flip_y(qapp):
    donut, pair = paths_for(np.array([DONUT, PAIR], dtype=object))
    assert inside(donut, 1, 1) and not inside(donut, 5, 5)  # the hole stays empty
    assert inside(pair, 21, 1) and inside(pair, 31, 1) and not inside(pair, 25, 1)
    rect = donut.boundingRect()
    assert (rect.top(), rect.bottom()) == (-10, 0)  # north is up on screen
    assert project_xy(QPointF(3, -7)) == (3, 7)


def test_union_path_holds_exactly_the_chosen_geometries(qapp):
    boxes = np.array([shapely.box(k, 0, k + 1, 1) for k in range(5)], dtype=object)
    path = UnitElements(boxes).union_path(np.array([1, 3]))
    assert [inside(path, k + 0.5, 0.5) for k in range(5)] == [False, True, False, True, False]


def test_combined_path_draws_lines_and_polygons(qapp):
    path = combined_path(np.array([shapely.boundary(DONUT), PAIR], dtype=object))
    assert path.elementCount() == 5 + 5 + 10
    assert path.boundingRect().right() == 32


def test_polygon_from_xy_keeps_every_point(qapp):
    xy = np.random.default_rng(0).random((10_000, 2))
    poly = polygon_from_xy(xy)
    assert poly.size() == 10_000
    assert (poly.at(77).x(), poly.at(77).y()) == (xy[77, 0], -xy[77, 1])


def _border_xy(table, segs):
    """Border segments as sorted tuples of rounded project end points."""
    p0, p1 = table.xy0[segs], table.xy1[segs]
    return sorted(
        tuple(sorted([(round(a, 3), -round(b, 3)), (round(c, 3), -round(d, 3))]))
        for (a, b), (c, d) in zip(p0.tolist(), p1.tolist(), strict=True)
    )


def test_borders_follow_territories_and_keep_enclaves():
    from territory_designer.ui.canvas.borders import BorderSegments

    # 3 x 3 boxes, territory 0 around a centre unit of territory 1.
    boxes = np.array(
        [shapely.box(c, r, c + 1, r + 1) for r in range(3) for c in range(3)], dtype=object
    )
    table = BorderSegments(boxes)
    assert len(table) == 24 and (table.b == -1).sum() == 12
    assignment = np.zeros(9, dtype=np.int32)
    assignment[4] = 1
    borders = table.borders(assignment)
    assert len(borders[1]) == 4  # the enclave's ring
    assert len(borders[0]) == 16  # the outer ring and the enclave's ring
    assert set(_border_xy(table, borders[1])) <= set(_border_xy(table, borders[0]))
    only = table.borders(assignment, [1])
    assert list(only) == [1] and only[1].tolist() == borders[1].tolist()
    # The outer ring chains into one polyline per side run: far fewer moves than segments.
    elements = table.elements(borders[0])
    assert (elements["t"] == 0).sum() < 16 and len(elements) < 32
    assert not table.path(borders[0]).isEmpty()


def test_borders_ignore_neighbours_that_do_not_share_vertices():
    from territory_designer.ui.canvas.borders import BorderSegments

    # A sliver of a gap and an offset vertex between boxes of one territory.
    boxes = np.array(
        [
            shapely.box(0, 0, 1, 1),
            shapely.box(1.000001, 0, 2, 1),
            shapely.Polygon([(0, 1), (1.3, 1), (2, 1), (2, 2), (0, 2)]),
        ],
        dtype=object,
    )
    table = BorderSegments(boxes)
    same = table.borders(np.zeros(3, dtype=np.int32))[0]
    mid = (table.xy0[same] + table.xy1[same]) / 2
    on_edge = np.isclose(mid[:, 0], 0) | np.isclose(mid[:, 0], 2) | np.isclose(mid[:, 1], 0)
    assert (on_edge | np.isclose(mid[:, 1], -2)).all()  # only the outer edge (scene y flips)
    assert len(same) >= 6
    split = table.borders(np.array([0, 1, 1], dtype=np.int32))
    xs = {x for seg in _border_xy(table, split[0]) for (x, _y) in seg}
    assert {1.0} <= xs  # the left box's right edge is drawn between the territories


def test_union_path_fills_overlaps_and_keeps_holes_of_its_geometries(qapp):
    hole = shapely.Polygon([(0, 0), (3, 0), (3, 3), (0, 3)], [[(1, 1), (2, 1), (2, 2), (1, 2)]])
    overlap = shapely.box(2.9, 0, 4, 1)  # overlaps the frame: a coverage that is not clean
    enclave = shapely.box(1, 1, 2, 2)
    elements = UnitElements(np.array([hole, overlap, enclave], dtype=object))
    frame = elements.union_path(np.array([0, 1]))
    assert frame.contains(QPointF(2.95, -0.5))  # the overlap is filled, not cancelled
    assert not frame.contains(QPointF(1.5, -1.5))  # the hole shows through
    assert elements.union_path(np.array([0, 1, 2])).contains(QPointF(1.5, -1.5))


def test_all_paths_at_once_match_one_at_a_time_with_empty_geometries(qapp):
    geoms = np.array(
        [shapely.Polygon(), DONUT, PAIR, shapely.Polygon(), shapely.box(40, 0, 41, 1)],
        dtype=object,
    )
    elements = UnitElements(geoms)
    paths = elements.paths()
    assert [p.elementCount() for p in paths] == [0, 10, 10, 0, 5]
    assert all(p == elements.path(k) for k, p in enumerate(paths))
    assert inside(paths[1], 1, 1) and not inside(paths[1], 5, 5)
    assert inside(paths[4], 40.5, 0.5) and UnitElements(geoms[:0]).paths() == []


def test_paths_of_a_range_match_the_paths_of_all(qapp):
    """Unit items are built in chunks: each chunk reads only its own paths."""
    geoms = np.array(
        [shapely.Polygon(), DONUT, PAIR, shapely.Polygon(), shapely.box(40, 0, 41, 1)],
        dtype=object,
    )
    elements = UnitElements(geoms)
    every = elements.paths()
    for start, stop in ((0, 2), (1, 4), (3, 5), (4, 5), (2, 2)):
        assert elements.paths(start, stop) == every[start:stop]
