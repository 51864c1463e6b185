"""Opening something that is not a (healthy) project: one clear error, nothing changed."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import geopandas as gpd
import pyogrio
import pytest
import shapely

from territory_designer.core.errors import ProjectFileError
from territory_designer.io.project_file import load_project


def _text(folder: Path, source: Path) -> Path:
    path = folder / "notes.tdproj"
    path.write_text("This is a shopping list, not a project.\n")
    return path


def _empty(folder: Path, source: Path) -> Path:
    path = folder / "empty.tdproj"
    path.touch()
    return path


def _plain_geopackage(folder: Path, source: Path) -> Path:
    path = folder / "layer.gpkg"
    gdf = gpd.GeoDataFrame({"id": ["a"]}, geometry=[shapely.box(0, 0, 1, 1)], crs="EPSG:3857")
    pyogrio.write_dataframe(gdf, path, layer="zips", driver="GPKG")
    return path


def _plain_sqlite(folder: Path, source: Path) -> Path:
    import sqlite3

    path = folder / "db.tdproj"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE t (x)")
    con.commit()
    con.close()
    return path


def _truncated(size: int) -> Callable[[Path, Path], Path]:
    def make(folder: Path, source: Path) -> Path:
        path = folder / f"cut-{size}.tdproj"
        path.write_bytes(source.read_bytes()[:size])
        return path

    return make


def _half(folder: Path, source: Path) -> Path:
    data = source.read_bytes()
    path = folder / "half.tdproj"
    path.write_bytes(data[: len(data) // 2])
    return path


def _zeroed_middle(folder: Path, source: Path) -> Path:
    data = bytearray(source.read_bytes())
    mid = len(data) // 3
    data[mid : mid + 65536] = bytes(65536)
    path = folder / "zeroed.tdproj"
    path.write_bytes(bytes(data))
    return path


def _missing(folder: Path, source: Path) -> Path:
    return folder / "does-not-exist.tdproj"


def _folder(folder: Path, source: Path) -> Path:
    path = folder / "a-folder.tdproj"
    path.mkdir()
    return path


CASES = {
    "text file": (_text, "not a Territory Designer project"),
    "empty file": (_empty, "not a Territory Designer project"),
    "plain GeoPackage": (_plain_geopackage, "GeoPackage but not a Territory Designer project"),
    "plain SQLite": (_plain_sqlite, "SQLite database, not a Territory Designer project"),
    "header only": (_truncated(100), "damaged"),
    "first page": (_truncated(4096), "damaged"),
    "half": (_half, "damaged"),
    "zeroed middle": (_zeroed_middle, "damaged"),
    "missing": (_missing, "no such file"),
    "folder": (_folder, "is a folder"),
}


@pytest.mark.parametrize(("make", "expected"), CASES.values(), ids=CASES.keys())
def test_bad_files_raise_a_clear_project_file_error(
    make, expected: str, grid_project_file: Path, tmp_path: Path
) -> None:
    path = make(tmp_path, grid_project_file)
    before = path.read_bytes() if path.is_file() else None
    with pytest.raises(ProjectFileError) as info:
        load_project(path)
    message = str(info.value)
    assert str(path) in message, message
    assert expected in message
    assert "\n" not in message and "Traceback" not in message
    if before is not None:
        assert path.read_bytes() == before  # opening never writes
    assert sorted(p.name for p in tmp_path.iterdir()) == ([path.name] if path.exists() else [])


@pytest.fixture
def grid_project_file(grid_project, tmp_path_factory) -> Path:
    from territory_designer.io.project_file import save_project

    return save_project(grid_project, tmp_path_factory.mktemp("src") / "grid.tdproj")


def test_a_newer_format_asks_for_an_update(grid_project_file: Path, tmp_path: Path) -> None:
    import sqlite3

    path = tmp_path / "future.tdproj"
    shutil.copy(grid_project_file, path)
    con = sqlite3.connect(path)
    with con:
        con.execute("UPDATE td_meta SET value = '99' WHERE key = 'format_version'")
    con.close()
    with pytest.raises(ProjectFileError, match="newer Territory Designer"):
        load_project(path)


@pytest.mark.filterwarnings("ignore:Table/view td_adjacency:RuntimeWarning")
def test_a_project_missing_a_table_is_damaged(grid_project_file: Path, tmp_path: Path) -> None:
    import sqlite3

    path = tmp_path / "nodisplay.tdproj"
    shutil.copy(grid_project_file, path)
    con = sqlite3.connect(path)
    with con:
        con.execute("DROP TABLE td_adjacency")
    con.close()
    with pytest.raises(ProjectFileError, match="damaged") as info:
        load_project(path)
    assert str(path) in str(info.value)
