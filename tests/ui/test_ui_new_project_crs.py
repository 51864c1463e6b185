"""File > New from units file: the dialog offers the working CRS and the project uses it."""

from __future__ import annotations

import geopandas as gpd
import shapely
from PySide6.QtWidgets import QDialog, QDialogButtonBox

from territory_designer.ui.app_settings import AppSettings
from territory_designer.ui.dialogs.new_project_dialog import NewProjectDialog
from territory_designer.ui.dialogs.prompts import ScriptedPrompts
from territory_designer.ui.main_window import MainWindow


def _ok(dialog: NewProjectDialog) -> None:
    box = dialog.findChild(QDialogButtonBox)
    box.button(QDialogButtonBox.StandardButton.Ok).click()


def test_dialog_refuses_a_geographic_crs_in_place(qtbot) -> None:
    dialog = NewProjectDialog("counties.shp", ["FIPS", "NAME"], ask_working_crs=True)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.working_crs() is None  # default: chosen from the data
    dialog.crs_combo.setCurrentText("EPSG:4326")
    _ok(dialog)
    assert dialog.result() != QDialog.DialogCode.Accepted and dialog.isVisible()
    assert dialog.crs_error.isVisible()
    assert dialog.crs_error.text().startswith("Working CRS EPSG:4326: WGS 84 is not projected")
    dialog.crs_combo.setCurrentIndex(1)  # "EPSG:5070 NAD83 / Conus Albers (lower 48)"
    _ok(dialog)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.working_crs() == "EPSG:5070"
    assert dialog.choice() == ("FIPS", "NAME")


def test_import_units_dialog_does_not_offer_a_crs(qtbot) -> None:
    dialog = NewProjectDialog("more.gpkg", ["code"])
    qtbot.addWidget(dialog)
    assert dialog.crs_combo is None and dialog.working_crs() is None


def test_new_project_uses_the_chosen_working_crs(qtbot, demo_project, tmp_path) -> None:
    cells = [shapely.box(-100 + c, 40, -99 + c, 41) for c in range(3)]
    path = tmp_path / "cells.gpkg"
    gpd.GeoDataFrame({"code": ["a", "b", "c"]}, geometry=cells, crs="EPSG:4326").to_file(path)
    window = MainWindow(demo_project, "Demo", AppSettings(), ScriptedPrompts(units_file=str(path)))
    qtbot.addWidget(window)
    window.show()
    window.files.choose_fields = lambda p, fields, parent: ("code", None, None, "EPSG:5070")
    task = window.files.new_from_units_file()
    with qtbot.waitSignal(task.sig_done, timeout=10000):
        pass
    assert window.session.project.units.crs.to_epsg() == 5070
