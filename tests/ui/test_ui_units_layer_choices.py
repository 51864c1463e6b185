"""File ▸ Import ▸ Units Layer and File ▸ New offer the choices the CLI has as flags.

Clashing ids: a prefix. New units over existing ones: replace the covered units or
cancel. Units of one layer that overlap: accept them or cancel. Never a message telling
the user to use a command-line flag.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pytest
import shapely

from territory_designer.ui.dialogs.new_project_dialog import NewProjectDialog
from territory_designer.ui.dialogs.prompts import ScriptedPrompts


def _layer(path: Path, boxes: dict[str, tuple[float, float, float, float]]) -> str:
    gdf = gpd.GeoDataFrame(
        {"code": list(boxes)},
        geometry=[shapely.box(*b) for b in boxes.values()],
        crs="EPSG:3857",
    )
    gdf.to_file(path)
    return str(path)


#: Two halves of grid cell 0 (x 100-101 km, y 200-201 km): they cover unit "0000".
HALVES = {"Z1": (100_000, 200_000, 101_000, 200_500), "Z2": (100_000, 200_500, 101_000, 201_000)}


def _window(qtbot, project, prompts):  # noqa: ANN001, ANN202
    from territory_designer.ui.main_window import MainWindow

    window = MainWindow(project, prompts=prompts)
    qtbot.addWidget(window)
    return window


def _wait_idle(qtbot, window, prompts, asked: int) -> None:  # noqa: ANN001
    qtbot.waitUntil(lambda: len(prompts.asked) >= asked and not window.files.busy, timeout=30000)
    qtbot.wait(50)  # a retry starts from a zero timer
    qtbot.waitUntil(lambda: not window.files.busy, timeout=30000)


def test_clashing_ids_ask_for_a_prefix_and_keep_both(qtbot, grid_project, tmp_path):  # noqa: ANN001
    prompts = ScriptedPrompts()
    prompts.units_layer = _layer(
        tmp_path / "clash.gpkg", {"0003": (106_000, 200_000, 107_000, 201_000)}
    )
    prompts.id_prefix = "NEW-"
    window = _window(qtbot, grid_project, prompts)
    window.imports.choose_fields = lambda _p, fields, _w: ("code", None)
    window.imports.import_units_layer()
    _wait_idle(qtbot, window, prompts, 1)
    assert prompts.errors == []
    assert prompts.asked[0].startswith("id_prefix:") and "0003" in prompts.asked[0]
    assert "--" not in prompts.asked[0]  # no command-line flag in a dialog
    ids = list(window.session.project.units.ids)
    assert ids[3] == "0003" and ids[-1] == "NEW-0003"


def test_covering_units_ask_to_replace_and_cancel_changes_nothing(qtbot, grid_project, tmp_path):  # noqa: ANN001
    prompts = ScriptedPrompts()
    prompts.units_layer = _layer(tmp_path / "halves.gpkg", HALVES)
    window = _window(qtbot, grid_project, prompts)
    window.imports.choose_fields = lambda _p, fields, _w: ("code", None, "")
    window.imports.import_units_layer()
    _wait_idle(qtbot, window, prompts, 1)
    assert prompts.asked[0].startswith("replace_covered:") and "Z1 over 0000" in prompts.asked[0]
    assert "--" not in prompts.asked[0]
    assert window.session.project is grid_project and prompts.errors == []


def test_covering_units_replace_the_covered_one_when_chosen(qtbot, grid_project, tmp_path):  # noqa: ANN001
    prompts = ScriptedPrompts()
    prompts.units_layer = _layer(tmp_path / "halves.gpkg", HALVES)
    prompts.replace_covered = True
    window = _window(qtbot, grid_project, prompts)
    window.imports.choose_fields = lambda _p, fields, _w: ("code", None, "")
    window.imports.import_units_layer()
    qtbot.waitUntil(lambda: len(window.session.project.units) == 25, timeout=30000)
    ids = list(window.session.project.units.ids)
    assert "0000" not in ids and ids[-2:] == ["Z1", "Z2"]
    plan = window.session.project.plan
    assert plan.assignment[-1] == grid_project.plan.assignment[0]  # same territory
    assert prompts.errors == []


def test_the_add_layer_dialog_has_a_prefix_field(qtbot, tmp_path):  # noqa: ANN001
    dialog = NewProjectDialog(tmp_path / "x.gpkg", ["code", "name"], with_prefix=True)
    qtbot.addWidget(dialog)
    dialog.prefix_edit.setText(" ZIP- ")
    assert dialog.choice() == ("code", "name") and dialog.id_prefix() == "ZIP-"


def test_new_project_with_overlapping_units_asks_to_accept(qtbot, grid_project, tmp_path):  # noqa: ANN001
    path = _layer(
        tmp_path / "city.gpkg",
        {
            "EAST": (0, 0, 1000, 1000),
            "WEST": (1000, 0, 2000, 1000),
            "CITY": (0, 0, 2000, 1000),
        },
    )
    prompts = ScriptedPrompts(units_file=path)
    window = _window(qtbot, grid_project, prompts)
    window.files.choose_fields = lambda _p, fields, _w: ("code", None)
    window.files.new_from_units_file()
    _wait_idle(qtbot, window, prompts, 1)
    assert prompts.asked[-1].startswith("allow_overlaps:") and "EAST/CITY" in prompts.asked[-1]
    assert window.session.project is grid_project  # cancelled: nothing replaced
    prompts.allow_overlaps = True
    window.files.new_from_units_file()
    qtbot.waitUntil(lambda: window.session.project is not grid_project, timeout=30000)
    assert list(window.session.project.units.ids) == ["EAST", "WEST", "CITY"]
    assert prompts.errors == []


def test_a_layer_without_crs_takes_the_crs_given_in_the_dialog(qtbot, grid_project, tmp_path):  # noqa: ANN001
    gdf = gpd.GeoDataFrame(
        {"code": ["N1"]}, geometry=[shapely.box(106_000, 200_000, 107_000, 201_000)]
    )
    with pytest.warns(UserWarning, match="crs"):
        gdf.to_file(tmp_path / "nocrs.shp")
    prompts = ScriptedPrompts()
    prompts.units_layer = str(tmp_path / "nocrs.shp")
    window = _window(qtbot, grid_project, prompts)
    window.imports.choose_fields = lambda _p, fields, _w: ("code", None, "", None)
    window.imports.import_units_layer()
    qtbot.waitUntil(lambda: not window.files.busy, timeout=30000)
    assert len(prompts.errors) == 1 and "Layer CRS field" in prompts.errors[0][1]
    assert "--" not in prompts.errors[0][1]  # a window never names a command-line flag
    window.imports.choose_fields = lambda _p, fields, _w: ("code", None, "", "EPSG:3857")
    window.imports.import_units_layer()
    qtbot.waitUntil(lambda: len(window.session.project.units) == 25, timeout=30000)
    dialog = NewProjectDialog(tmp_path / "nocrs.shp", ["code"])
    qtbot.addWidget(dialog)
    assert dialog.crs() is None
    dialog.crs_edit.setText("EPSG:4326 ")
    assert dialog.crs() == "EPSG:4326"


def test_accounts_in_accepted_overlaps_are_reported_after_an_import(qtbot, tmp_path):  # noqa: ANN001
    import openpyxl
    import pandas as pd
    import pyogrio
    from libpysal import examples

    from territory_designer.io.geography import new_project_from_file

    nc = gpd.read_file(examples.get_path("sids2.shp")).set_crs("EPSG:4267")[["FIPS", "geometry"]]
    triangle = shapely.union_all(nc.geometry[nc.FIPS.isin(["37183", "37063"])].values)
    layer = pd.concat(
        [nc, gpd.GeoDataFrame({"FIPS": ["TRI"]}, geometry=[triangle], crs=nc.crs)],
        ignore_index=True,
    )
    pyogrio.write_dataframe(layer, tmp_path / "nc.gpkg")
    project = new_project_from_file(tmp_path / "nc.gpkg", "FIPS", allow_overlaps=True)
    book = tmp_path / "accounts.xlsx"
    wb = openpyxl.Workbook()
    wb.active.append(["Account", "Name", "Latitude", "Longitude"])
    wb.active.append(["A1", "Raleigh", 35.7727, -78.6324])  # ZIP 27601: Wake and the Triangle
    wb.active.append(["A2", "Charlotte", 35.2271, -80.8431])
    wb.save(book)
    prompts = ScriptedPrompts()
    prompts.accounts_file = str(book)
    window = _window(qtbot, project, prompts)
    messages: list[str] = []
    window.session.sig_status.connect(messages.append)
    window.imports.import_accounts()
    wizard = window.imports.wizard
    wizard.next()
    wizard.next()
    qtbot.waitUntil(lambda: wizard.currentPage() is wizard.summary_page, timeout=30000)
    wizard.accept()
    qtbot.waitUntil(lambda: any("where units overlap" in m for m in messages), timeout=15000)
    assert any(m.startswith("1 account lies where units overlap") for m in messages)
    table = window.session.project.accounts.table
    assert project.units.ids[int(table.loc[table.account_id == "A1", "unit"].iloc[0])] == "37183"


def test_adding_a_units_layer_is_one_undo_step(qtbot, grid_project, tmp_path):  # noqa: ANN001
    grid_project.path = tmp_path / "grid.tdproj"
    prompts = ScriptedPrompts()
    prompts.units_layer = _layer(tmp_path / "halves.gpkg", HALVES)
    prompts.replace_covered = True
    window = _window(qtbot, grid_project, prompts)
    window.imports.choose_fields = lambda _p, fields, _w: ("code", None, "")
    window.imports.import_units_layer()
    qtbot.waitUntil(lambda: len(window.session.project.units) == 25, timeout=30000)
    added = window.session.project
    stack = window.session.undo_stack
    assert stack.undoText() == "Add units from halves.gpkg"
    assert window.files.save(wait=True)
    assert not added.is_dirty
    stack.undo()
    assert window.session.project is grid_project and len(grid_project.units) == 24
    assert grid_project.is_dirty  # the file now holds the layer: the old project is unsaved
    assert window.isWindowModified()
    stack.redo()
    assert window.session.project is added and "Z1" in set(added.units.ids)
