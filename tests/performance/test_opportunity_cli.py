"""``conversion`` and ``white-space`` through the CLI, on openpyxl-written files."""

from __future__ import annotations

import json

import openpyxl
import pandas as pd
import pytest
from perf_factories import two_territory_project
from PySide6.QtCore import Qt

from territory_designer.cli import main
from territory_designer.core.accounts import AccountTable
from territory_designer.core.operations import ReplaceAccounts
from territory_designer.io.project_file import load_project, save_project


def _workbook(path, rows):
    wb = openpyxl.Workbook()
    for r in rows:
        wb.active.append(r)
    wb.save(path)
    return path


def test_conversion_win_rate_and_won_value_by_hand(capsys, tmp_path):
    path = save_project(two_territory_project(), tmp_path / "p.tdproj")
    book = _workbook(
        tmp_path / "opps.xlsx",
        [["Account ID", "Stage", "Amount"],
         ["a1", "Won", 100], ["a1", "lost", 50], ["a2", "Proposal", 70],
         ["b1", "Closed Won", 200], ["b1", "closed-won", 100], ["b1", "Closed Lost", 100],
         ["zz", "Won", 5]],
    )  # fmt: skip
    assert main(["conversion", str(path), str(book), "--units", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    terr = {t["territory_id"]: t for t in data["territories"]}
    assert (terr["T01"]["won"], terr["T01"]["lost"], terr["T01"]["open"]) == (1, 1, 1)
    assert terr["T01"]["win_rate_pct"] == 50 and terr["T01"]["won_value"] == 100
    assert terr["T01"]["value_win_rate_pct"] == pytest.approx(200 / 3)
    assert terr["T02"]["win_rate_pct"] == pytest.approx(200 / 3)
    assert terr["T02"]["won_value"] == 300
    assert data["not_in_project"] == 1
    assert {u["unit_id"] for u in data["units"]} == {"0000", "0001"}


def test_conversion_names_a_missing_column(capsys, tmp_path):
    path = save_project(two_territory_project(), tmp_path / "p.tdproj")
    book = _workbook(tmp_path / "opps.xlsx", [["Account ID", "Amount"], ["a1", 5]])
    assert main(["conversion", str(path), str(book)]) != 0
    err = capsys.readouterr().err
    assert "opps.xlsx" in err and "no status column" in err and "--status-column" in err


def test_white_space_json_and_stored_as_a_balance_metric(capsys, make_grid_project, tmp_path):
    project = make_grid_project(4, 6, ["AAABBB"] * 4)
    xy = project.units.centroid
    population = project.units.attributes["population"].to_numpy(float)
    sales = 10.0 * population
    sales[5] = 0.0  # one account sells nothing: the most white space
    project.apply(
        ReplaceAccounts(
            AccountTable(
                pd.DataFrame(
                    {
                        "account_id": [f"a{k}" for k in range(24)],
                        "name": [f"Account {k}" for k in range(24)],
                        "x": xy[:, 0],
                        "y": xy[:, 1],
                        "unit": range(24),
                        "located_by": "coordinates",
                        "revenue": sales,
                    }
                )
            )
        )
    )
    path = save_project(project, tmp_path / "p.tdproj")
    assert main(["white-space", str(path), "--json", "--save-field"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["reliable"] is True and data["cv_r2"] > 0.5
    assert data["coefficients"][0]["feature"] == "population"
    assert data["units"][0]["unit_id"] == "0005" and data["units"][0]["actual"] == 0
    project = load_project(path)
    assert "white_space" in project.weight_fields
    gap = {u["unit_id"]: u["white_space"] for u in data["units"]}
    stored = dict(zip(project.units.ids, project.unit_values("white_space"), strict=True))
    assert stored["0005"] == pytest.approx(gap["0005"])


def test_white_space_refuses_two_units(capsys, tmp_path):
    path = save_project(two_territory_project(), tmp_path / "p.tdproj")
    assert main(["white-space", str(path)]) != 0
    assert "too few to fit a model" in capsys.readouterr().err


def test_conversion_kept_in_the_project_colours_the_map(capsys, qtbot, tmp_path):
    from territory_designer.ui.app_settings import AppSettings
    from territory_designer.ui.dialogs.prompts import ScriptedPrompts
    from territory_designer.ui.main_window import MainWindow

    path = save_project(two_territory_project(), tmp_path / "p.tdproj")
    assert main(["conversion", str(path)]) != 0
    assert "no opportunities kept" in capsys.readouterr().err
    book = _workbook(
        tmp_path / "opps.xlsx",
        [["Account", "Status", "Value"], ["a1", "won", 10], ["a2", "lost", 10],
         ["b1", "won", 40]],
    )  # fmt: skip
    assert main(["conversion", str(path), str(book), "--save"]) == 0
    capsys.readouterr()
    assert main(["conversion", str(path), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["opportunities"] == 3 and data["file"] == "opportunities kept in the project"
    assert {t["territory_id"]: t["win_rate_pct"] for t in data["territories"]} == {
        "T01": 50,
        "T02": 100,
    }
    window = MainWindow(load_project(path), "Opps", AppSettings(), ScriptedPrompts())
    qtbot.addWidget(window)
    window.show()
    window.actions_by_name["performance"].trigger()
    colours = window.performance_dock.map_colours
    colours.box.setCurrentText("Win rate % per unit")
    classes = window.canvas.units.classes
    assert classes.field == "Win rate % per unit"
    assert classes.bins[1] > classes.bins[0]  # unit 1 (100%) darker than unit 0 (50%)
    assert "Highest territory win rate: T02 100%" in colours.message.text()


def test_white_space_kept_as_a_metric_from_the_dock(qtbot, make_grid_project):
    from territory_designer.ui.app_settings import AppSettings
    from territory_designer.ui.dialogs.prompts import ScriptedPrompts
    from territory_designer.ui.main_window import MainWindow

    project = make_grid_project(4, 6, ["AAABBB"] * 4)
    xy = project.units.centroid
    population = project.units.attributes["population"].to_numpy(float)
    project.apply(
        ReplaceAccounts(
            AccountTable(
                pd.DataFrame(
                    {
                        "account_id": [f"a{k}" for k in range(24)],
                        "name": [f"Account {k}" for k in range(24)],
                        "x": xy[:, 0],
                        "y": xy[:, 1],
                        "unit": range(24),
                        "located_by": "coordinates",
                        "revenue": 10.0 * population,
                    }
                )
            )
        )
    )
    window = MainWindow(project, "WS", AppSettings(), ScriptedPrompts())
    qtbot.addWidget(window)
    window.show()
    window.actions_by_name["performance"].trigger()
    colours = window.performance_dock.map_colours
    assert not colours.keep_button.isVisible()
    colours.box.setCurrentText("White space per unit")
    assert colours.keep_button.isVisible() and "explain" in colours.message.text()
    qtbot.mouseClick(colours.keep_button, Qt.MouseButton.LeftButton)
    assert "white_space" in window.session.project.weight_fields
    window.session.undo_stack.undo()
    assert "white_space" not in window.session.project.weight_fields
