"""Display levels of very large layers are made polygon by polygon, quickly."""

from __future__ import annotations

import numpy as np
import shapely

from territory_designer.core import units as units_module
from territory_designer.core.units import simplify_coverage


def _hexagons(n: int, side: float = 1000.0, vertices_per_edge: int = 1) -> np.ndarray:
    ang = np.deg2rad(30 + 60 * np.arange(7))
    ring = np.c_[np.cos(ang), np.sin(ang)] * side
    if vertices_per_edge > 1:  # densify: many short edges to remove
        t = np.linspace(0, 1, vertices_per_edge, endpoint=False)
        ring = np.vstack(
            [a + (b - a) * t[:, None] for a, b in zip(ring[:-1], ring[1:], strict=True)]
        )
        ring = np.vstack([ring, ring[:1]])
    centres = np.c_[np.arange(n) * np.sqrt(3) * side, np.zeros(n)]
    return shapely.polygons(ring[None, :, :] + centres[:, None, :])


def test_large_layer_keeps_geometry_that_has_nothing_to_simplify(monkeypatch):
    monkeypatch.setattr(units_module, "LARGE_LAYER_UNITS", 10)
    geoms = _hexagons(50)
    assert simplify_coverage(geoms, 50.0) is geoms  # edges of 1 km, tolerance 50 m


def test_large_layer_simplifies_each_polygon_within_the_tolerance(monkeypatch):
    geoms = _hexagons(50, vertices_per_edge=20)
    monkeypatch.setattr(units_module, "LARGE_LAYER_UNITS", 10)
    out = simplify_coverage(geoms, 50.0)
    assert shapely.get_num_coordinates(out).max() < shapely.get_num_coordinates(geoms).min()
    assert shapely.is_valid(out).all()
    assert (shapely.hausdorff_distance(out, geoms) <= 50.0 + 1e-6).all()
    # Small layers still use the coverage simplification (shared edges stay shared).
    monkeypatch.setattr(units_module, "LARGE_LAYER_UNITS", 1000)
    assert shapely.is_valid(simplify_coverage(geoms, 50.0)).all()
