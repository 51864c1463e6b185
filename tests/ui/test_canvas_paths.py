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


def test_dissolve_keeps_enclaves_and_drops_slivers():
    from territory_designer.ui.canvas.dissolver import dissolve

    ring = np.array([shapely.box(c, r, c + 1, r + 1) for r in range(3) for c in range(3)
                     if (r, c) != (1, 1)], dtype=object)
    enclave = dissolve(ring, min_hole_area=0.01)
    assert len(enclave.interiors) == 1 and enclave.area == 8
    gap = np.array([shapely.box(0, 0, 1, 1), shapely.box(1.000001, 0, 2, 1),
                    shapely.box(0, 1, 2, 2), shapely.box(0, -1, 2, 0)], dtype=object)
    assert len(shapely.union_all(gap).interiors) == 1  # the raw union has the sliver
    assert len(dissolve(gap, min_hole_area=0.01).interiors) == 0
