"""File > New and Import › Units layer say which clashing attribute names were renamed."""

from __future__ import annotations

import geopandas as gpd
import shapely

from territory_designer.ui.app_settings import AppSettings
from territory_designer.ui.dialogs.prompts import ScriptedPrompts
from territory_designer.ui.main_window import MainWindow


def _esri_like_units(path, ids, x0):  # noqa: ANN001, ANN202
    gdf = gpd.GeoDataFrame(
        {"code": ids, "FID": range(len(ids)), "NAME": [f"Area {i}" for i in ids]},
        geometry=[
            shapely.box(x0 + k * 1000, 0, x0 + (k + 1) * 1000, 1000) for k in range(len(ids))
        ],
        crs="EPSG:3857",
    )
    gdf.to_file(path)
    return str(path)


def test_new_project_and_units_layer_report_renamed_attributes(qtbot, demo_project, tmp_path):
    prompts = ScriptedPrompts(units_file=_esri_like_units(tmp_path / "a.gpkg", ["A", "B"], 0))
    window = MainWindow(demo_project, "Untitled", AppSettings(), prompts)
    qtbot.addWidget(window)
    messages: list[str] = []
    window.files.sig_status.connect(messages.append)
    window.session.sig_status.connect(messages.append)
    window.files.choose_fields = lambda _p, _f, _w: ("code", None)
    task = window.files.new_from_units_file()
    with qtbot.waitSignal(task.sig_done, timeout=20000):
        pass
    assert "'NAME' -> 'NAME (file)'" in messages[-1]
    prompts.units_layer = _esri_like_units(tmp_path / "b.gpkg", ["C"], 2000)
    window.imports.choose_fields = lambda _p, _f, _w: ("code", None)
    window.imports.import_units_layer()
    qtbot.waitUntil(lambda: not window.files.busy, timeout=20000)
    assert "Added 1 units" in messages[-1] and "'NAME' -> 'NAME (file)'" in messages[-1]
    attrs = window.session.project.units.attributes
    assert attrs["NAME (file)"].tolist() == ["Area A", "Area B", "Area C"]
    assert prompts.errors == []
