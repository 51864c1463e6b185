"""The bundled demo project, built offline from real public data.

* Units: the 100 North Carolina counties shipped inside ``libpysal`` (dataset ``sids2``,
  NAD27 lon/lat), with their 1974 and 1979 birth counts as attributes.
* Accounts: placed at the real centroids of North Carolina's active standard ZIP codes
  from the ``zipcodes`` package (one to three accounts per ZIP), with deterministic
  revenue, potential, visits per year and segment drawn from a seeded generator.
* Territories: eight reps with home bases in eight NC cities; the starting plan grows
  each territory from its home county over the adjacency graph by travel distance, so it
  is contiguous but unbalanced — something to fix on the map.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd

from territory_designer.core.accounts import AccountTable, locate_points
from territory_designer.core.adjacency import compute_adjacency
from territory_designer.core.colors import palette_color
from territory_designer.core.plan import Plan, Territory
from territory_designer.core.project import Project
from territory_designer.io.geography import units_from_frame

SEED = 20260
SEGMENTS = ("Hospital", "Clinic", "Pharmacy", "Retail")
#: (territory name, rep, home-base ZIP)
REPS = (
    ("Charlotte Metro", "Maria Lopez", "28202"),
    ("Triangle", "James Carter", "27601"),
    ("Triad", "Aisha Patel", "27401"),
    ("Coastal", "Tom Nguyen", "28401"),
    ("Mountains", "Emily Brooks", "28801"),
    ("Sandhills", "Robert King", "28301"),
    ("Inner Banks", "Sofia Rossi", "27834"),
    ("Foothills", "David Kim", "28601"),
)


def _nc_counties() -> gpd.GeoDataFrame:
    from libpysal import examples

    gdf = gpd.read_file(examples.get_path("sids2.shp")).set_crs("EPSG:4267")
    gdf = gdf[["FIPS", "NAME", "BIR74", "BIR79", "geometry"]].rename(
        columns={"BIR74": "births_1974", "BIR79": "births_1979"}
    )
    return gdf


def _nc_zips() -> pd.DataFrame:
    import zipcodes

    rows = [
        (z["zip_code"], z["city"].title(), float(z["lat"]), float(z["long"]))
        for z in zipcodes.filter_by(state="NC")
        if z["active"] and z["zip_code_type"] == "STANDARD" and z["lat"] and z["long"]
    ]
    return pd.DataFrame(rows, columns=["zip", "city", "lat", "lon"]).sort_values("zip")


def _accounts(zips: pd.DataFrame, units_crs: object, geoms: np.ndarray) -> AccountTable:
    rng = np.random.default_rng(SEED)
    per_zip = rng.integers(1, 4, len(zips))
    z = zips.loc[zips.index.repeat(per_zip)].reset_index(drop=True)
    n = len(z)
    # Jitter each account a little around its ZIP centroid (about 1 km).
    lon = z["lon"].to_numpy() + rng.normal(0, 0.01, n)
    lat = z["lat"].to_numpy() + rng.normal(0, 0.01, n)
    pts = gpd.GeoSeries(gpd.points_from_xy(lon, lat), crs="EPSG:4326").to_crs(units_crs)
    xy = np.column_stack([pts.x.to_numpy(), pts.y.to_numpy()])
    revenue = np.round(rng.lognormal(np.log(40_000), 0.8, n), -2)
    table = pd.DataFrame(
        {
            "account_id": [f"A{k:05d}" for k in range(1, n + 1)],
            "name": [f"{c} {SEGMENTS[k % 4]} {k:04d}" for k, c in enumerate(z["city"], 1)],
            "x": xy[:, 0],
            "y": xy[:, 1],
            "unit": locate_points(xy, geoms),
            "located_by": "coordinates",
            "postal_code": z["zip"].to_numpy(),
            "city": z["city"].to_numpy(),
            "segment": rng.choice(SEGMENTS, n, p=[0.15, 0.35, 0.3, 0.2]),
            "revenue": revenue,
            "potential": np.round(revenue * rng.uniform(1.1, 2.5, n), -2),
            "visits_per_year": rng.poisson(12, n),
        }
    )
    # Accounts whose jittered point fell outside the state are placed at the ZIP itself.
    off = table["unit"].to_numpy() < 0
    if off.any():
        back = gpd.GeoSeries(
            gpd.points_from_xy(z["lon"][off], z["lat"][off]), crs="EPSG:4326"
        ).to_crs(units_crs)
        bxy = np.column_stack([back.x.to_numpy(), back.y.to_numpy()])
        table.loc[off, "x"], table.loc[off, "y"] = bxy[:, 0], bxy[:, 1]
        table.loc[off, "unit"] = locate_points(bxy, geoms)
    table = table[table["unit"] >= 0].reset_index(drop=True)
    return AccountTable(table)


#: File name of the demo project the installer build prepares (see :func:`build_demo_project`).
DEMO_FILE = "demo.tdproj"


def build_demo_project() -> Project:
    """The demo project, unsaved (deterministic, offline, about a second).

    The installed application reads the copy its build wrote (the same project, made
    by :func:`make_demo_project`), so it need not carry libpysal and the full ZIP list.
    """
    from territory_designer.core.resources import bundled_file

    prebuilt = bundled_file(DEMO_FILE)
    if prebuilt is None:
        return make_demo_project()
    from territory_designer.io.project_file import load_project

    project = load_project(prebuilt)
    project.path = None  # like a freshly built demo: Save asks where (never the bundle)
    project.disk_stamp = None
    return project


def make_demo_project() -> Project:
    """Build the demo project from the packages' data."""
    counties = _nc_counties()
    units = units_from_frame(counties, "FIPS", "NAME", source="libpysal sids2")
    adjacency = compute_adjacency(units.geometry)
    zips = _nc_zips()
    accounts = _accounts(zips, units.crs, units.geometry)
    by_zip = zips.set_index("zip")
    territories, seeds = {}, []
    for code, (name, rep, zip_code) in enumerate(REPS):
        z = by_zip.loc[zip_code]
        home = gpd.GeoSeries(gpd.points_from_xy([z["lon"]], [z["lat"]]), crs="EPSG:4326")
        home = home.to_crs(units.crs)
        xy = (float(home.x.iloc[0]), float(home.y.iloc[0]))
        territories[code] = Territory(
            id=f"T{code + 1:02d}", name=name, color=palette_color(code), owner=rep, home_base=xy
        )
        seeds.append(int(locate_points(np.array([xy]), units.geometry)[0]))
    baseline = Plan("Baseline 2026", territories, adjacency.nearest_seed(units.centroid, seeds))
    working = baseline.copy("Working draft")
    return Project(
        units,
        adjacency,
        accounts,
        [baseline, working],
        active_plan="Working draft",
        baseline_plan="Baseline 2026",
        settings={"balance_field": "revenue", "source": "demo"},
    )
