"""Template files: every built-in one loads; users copy, edit and save their own; a bad
file is refused with its file, line and key (issue 12)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from territory_designer.cli import main
from territory_designer.core.templates import apply_template
from territory_designer.io.templates import (
    TemplateFileError,
    copy_template,
    load_template,
    save_template_text,
    template_names,
    user_templates_dir,
)

BUILT_IN = (
    "blank", "pharmaceutical", "medical_devices", "retail", "technology", "energy",
    "financial_services", "manufacturing", "ecommerce",
)  # fmt: skip


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("name", BUILT_IN)
def test_every_built_in_template_loads_with_fields_workload_rules_and_levels(name):
    t = load_template(name)
    assert t.title and t.hierarchy_levels and t.balance_on
    assert set(t.constraints) == {
        "stay_within", "licensed_states_field", "state_field", "max_accounts",
        "max_distance_km", "soft_targets", "within_level",
    }  # fmt: skip
    assert not t.workload.check()
    if name != "blank":
        assert t.fields and t.kpis and t.report_columns


def test_templates_ship_as_package_data():
    text = (Path(__file__).resolve().parents[2] / "pyproject.toml").read_text()
    assert 'territory_designer = ["resources/templates/*.toml"]' in text
    assert set(BUILT_IN) <= set(template_names())


def test_pharma_template_calls_by_decile_and_contracts_its_settings(grid_project):
    t = load_template("pharmaceutical")
    assert t.workload.visits_by_decile["10"] == 24
    assert t.workload.minutes_by_segment["cardiology"] == 20
    op = apply_template(grid_project, t)
    s = grid_project.settings
    assert s["template"] == "pharmaceutical"
    assert s["hierarchy_levels"] == ["territory", "district", "region", "area"]
    assert s["constraints"]["soft_targets"][0] == {
        "metric": "workload_hours", "min": 1000.0, "max": 1400.0, "ideal": 1200.0,
        "weight": 1.0,
    }  # fmt: skip
    assert s["constraints"]["max_distance_km"] == 250
    assert s["constraints"]["within_level"] == "district"
    op.undo(grid_project)
    assert "template" not in grid_project.settings


def test_copy_edit_and_save_a_user_template(capsys):
    path = copy_template("retail", "my_retail", "Our stores")
    assert path.parent == user_templates_dir()
    assert path.parent == Path(os.environ["TD_SETTINGS_DIR"]) / "templates"
    assert load_template("my_retail").title == "Our stores"
    edited = path.read_text().replace("speed_kmh = 60", "speed_kmh = 45")
    save_template_text("my_retail", edited)
    assert load_template("my_retail").workload.speed_kmh == 45
    code, out, _ = run(capsys, "templates", "list")
    assert code == 0 and "my_retail" in out and "yours" in out
    with pytest.raises(TemplateFileError, match="exists already"):
        copy_template("retail", "my_retail")


def test_invalid_toml_names_file_and_line(capsys):
    folder = user_templates_dir()
    folder.mkdir(parents=True)
    bad = folder / "broken.toml"
    bad.write_text('title = "Broken"\n\n[workload]\nspeed_kmh = = 60\n')
    with pytest.raises(TemplateFileError) as err:
        load_template("broken")
    assert str(bad) in str(err.value) and "line 4" in str(err.value)
    assert err.value.line == 4
    code, out, _ = run(capsys, "templates", "list")
    assert code == 1 and "INVALID" in out and "line 4" in out


@pytest.mark.parametrize(
    ("text", "line", "key", "needle"),
    [
        ('title = "X"\n[workload]\ndefault_visits = 4\nspeed_kmh = -5\n', 4,
         "workload.speed_kmh", "more than 0"),
        ('title = "X"\n[workload]\nsped_kmh = 50\n', 3, "workload.sped_kmh", "unknown key"),
        ('title = "X"\n[[fields]]\nname = "a"\n\n[[fields]]\nname = "b"\nkind = "numbr"\n', 7,
         "fields[2].kind", "text, number"),
        ('title = "X"\n[balance]\ncriterion = "revenue"\ntolerance = 5\n', 4,
         "balance.tolerance", "fraction"),
        ('title = "X"\n[constraints]\nmax_accounts = 2.5\n', 3, "constraints.max_accounts",
         "whole number"),
        ('title = "X"\n[constraints]\n[[constraints.soft_targets]]\nmetric = "revenue"\n'
         'min = 10\nmax = 5\n', 5, "constraints.soft_targets[1].min", "above max"),
        ('title = "X"\n[constraints]\nwithin_level = "state"\n\n[hierarchy]\n'
         'levels = ["territory", "district"]\n', 3, "constraints.within_level",
         "not a hierarchy level above the territories (levels: district)"),
        ('title = "X"\n[constraints]\nwithin_level = "territory"\n', 3,
         "constraints.within_level", "levels: district, region"),
        ('title = "X"\n[workload]\nvisits_by_decile = { "10" = 24, "9" = "many" }\n', 3,
         "workload.visits_by_decile.9", "a number"),
    ],
)  # fmt: skip
def test_schema_errors_name_file_line_and_key(text, line, key, needle):
    folder = user_templates_dir()
    folder.mkdir(parents=True)
    (folder / "wrong.toml").write_text(text)
    with pytest.raises(TemplateFileError) as err:
        load_template("wrong")
    message = str(err.value)
    assert "wrong.toml" in message and f"line {line}" in message and key in message, message
    assert needle in message
    assert (err.value.line, err.value.key) == (line, key)


def test_an_invalid_edit_is_not_saved():
    path = copy_template("blank", "mine")
    before = path.read_text()
    with pytest.raises(TemplateFileError, match="line"):
        save_template_text("mine", before + "\n[hierarchy]\nlevels = []\n")
    assert path.read_text() == before


def test_cli_show_and_copy(capsys):
    code, out, _ = run(capsys, "templates", "show", "pharmaceutical")
    assert code == 0
    assert "Rx decile" in out and "visits by decile: 10: 24" in out
    assert "territory → district → region → area" in out
    code, out, _ = run(capsys, "templates", "show", "energy", "--json")
    assert json.loads(out)["constraints"]["stay_within"] == "service_region"
    code, out, _ = run(capsys, "templates", "copy", "energy", "grid_co")
    assert code == 0 and "grid_co.toml" in out
    code, _, err = run(capsys, "templates", "show", "nothing")
    assert code == 2 and "No template named 'nothing'" in err
