"""Real-data files for end-to-end tests, built offline from data shipped in packages.

* :func:`write_nc_zip_layer`: a North Carolina ZIP layer — Voronoi cells of the real
  centroids of NC's active standard ZIP codes (``zipcodes``) clipped to the state outline
  (libpysal's ``sids2`` counties dissolved), in UTM 17N metres. Like a real ZCTA layer it
  holds about 700 units, coastal cells are multipolygons, and few units hold an account.
* :func:`write_accounts_workbook`: a customer workbook (openpyxl) with accounts at a
  handful of those ZIP codes.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import openpyxl
import shapely

UTM17 = "EPSG:32617"


def nc_outline() -> shapely.Geometry:
    """The North Carolina outline (dissolved counties) in UTM 17N."""
    from libpysal import examples

    counties = gpd.read_file(examples.get_path("sids2.shp")).set_crs("EPSG:4267")
    return shapely.union_all(counties.to_crs(UTM17).geometry.to_numpy())


#: Islands that can be added off the NC coast: (code, lon, lat, side in km).
NC_ISLANDS = (
    ("27999", -75.05, 35.25, 6.0),  # east of Cape Hatteras
    ("28999", -77.90, 33.45, 5.0),  # south of Cape Fear
    ("28998", -76.20, 34.25, 4.0),  # off Cape Lookout
)


def write_nc_zip_layer(path: Path, islands: bool = False) -> list[str]:
    """Write the NC ZIP layer (field ``zip``) to ``path``; return the ZIP codes in order.

    With ``islands`` the square islands of :data:`NC_ISLANDS` are added off the coast:
    separate parts of the layer that share no boundary with anything.
    """
    import zipcodes

    seen, codes, lon, lat = set(), [], [], []
    for z in zipcodes.filter_by(state="NC"):
        key = (z["lat"], z["long"])
        if z["active"] and z["zip_code_type"] == "STANDARD" and z["lat"] and key not in seen:
            seen.add(key)
            codes.append(z["zip_code"])
            lon.append(float(z["long"]))
            lat.append(float(z["lat"]))
    outline = nc_outline()
    points = gpd.GeoSeries(gpd.points_from_xy(lon, lat), crs="EPSG:4326").to_crs(UTM17)
    inside = shapely.contains(outline, points.to_numpy())
    points = points.to_numpy()[inside]
    codes = [c for c, keep in zip(codes, inside, strict=True) if keep]
    cells = shapely.get_parts(shapely.voronoi_polygons(shapely.multipoints(points)))
    owner_point, owner_cell = shapely.STRtree(cells).query(points, predicate="within")
    cell_of = np.empty(len(points), dtype=np.int64)
    cell_of[owner_point] = owner_cell
    geoms = list(shapely.intersection(cells[cell_of], outline))
    if islands:
        for code, x, y, side in NC_ISLANDS:
            centre = gpd.GeoSeries(gpd.points_from_xy([x], [y]), crs="EPSG:4326").to_crs(UTM17)
            geoms.append(centre.iloc[0].buffer(side * 500.0, cap_style="square"))
            codes.append(code)
    gpd.GeoDataFrame({"zip": codes}, geometry=geoms, crs=UTM17).to_file(path)
    return codes


def write_accounts_workbook(path: Path, zips: list[str], revenue: list[float]) -> None:
    """Write one account per ZIP code with the given revenue (columns as a CRM export)."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Customer ID", "Customer", "ZIP", "Revenue"])
    for i, (z, r) in enumerate(zip(zips, revenue, strict=True), 1):
        ws.append([f"C{i:04d}", f"Customer {i}", z, r])
    wb.save(path)


def make_nc_zip_project(folder: Path, islands: bool = False) -> tuple[Path, list[str]]:
    """A project file of the NC ZIP layer made with ``new`` (no accounts), and its ZIPs."""
    from territory_designer.cli import main

    zips = write_nc_zip_layer(folder / "nc_zip.gpkg", islands)
    project = folder / "nc_zip.tdproj"
    argv = ["new", "--units", str(folder / "nc_zip.gpkg"), "--id-field", "zip"]
    if main([*argv, "--out", str(project)]) != 0:
        raise RuntimeError("could not make the NC ZIP project")
    return project, zips


def project_with_accounts(
    source: Path, folder: Path, zips: list[str], revenue: list[float]
) -> Path:
    """A copy of project ``source`` in ``folder`` with one account per ZIP imported."""
    import shutil

    from territory_designer.cli import main

    project = folder / "p.tdproj"
    shutil.copy(source, project)
    workbook = folder / "customers.xlsx"
    write_accounts_workbook(workbook, zips, revenue)
    if main(["import-accounts", str(project), str(workbook)]) != 0:
        raise RuntimeError("could not import the accounts")
    return project


def excel_figure(xlsx: Path, label: str) -> str:
    """The value beside ``label`` in the plan figures of an Excel report's Summary sheet."""
    for row in openpyxl.load_workbook(xlsx)["Summary"].iter_rows(values_only=True):
        cells = [c for c in row if c is not None]
        if label in cells:
            return str(cells[cells.index(label) + 1])
    raise AssertionError(f"no figure {label!r} in {xlsx}")
