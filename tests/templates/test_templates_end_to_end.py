"""Each industry template applied end to end on generated data (issue 12): a new project
with the template, a client workbook (openpyxl) whose headers are the template's own
synonyms, import, workload, build on the template's criterion, export."""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import numpy as np
import openpyxl
import pytest
import shapely

from territory_designer.cli import main
from territory_designer.core.criterion import parse_mix
from territory_designer.io.project_file import load_project
from territory_designer.io.templates import load_template

TEMPLATES = (
    "blank", "pharmaceutical", "medical_devices", "retail", "technology", "energy",
    "financial_services", "manufacturing", "ecommerce",
)  # fmt: skip
N_ACCOUNTS = 60


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _units(tmp_path: Path) -> Path:
    cells = [
        shapely.box(-80 + 0.1 * c, 35 + 0.1 * r, -80 + 0.1 * (c + 1), 35 + 0.1 * (r + 1))
        for r in range(4)
        for c in range(4)
    ]
    gdf = gpd.GeoDataFrame(
        {
            "code": [f"U{k:02d}" for k in range(16)],
            "label": [f"Cell {k}" for k in range(16)],
            # The energy template keeps territories inside a service region (a unit field).
            "service_region": ["West" if k % 4 < 2 else "East" for k in range(16)],
            "state": ["NC"] * 16,  # the financial-services licence rule reads it
        },
        geometry=cells,
        crs="EPSG:4326",
    )
    path = tmp_path / "cells.gpkg"
    gdf.to_file(path, driver="GPKG")
    return path


def _value(field: dict, k: int, template) -> object:
    name, rng = field["name"], np.random.default_rng(k)
    if name == "decile":
        return int(1 + k % 10)
    if name == "segment":
        keys = list(template.workload.visits_by_segment or template.workload.minutes_by_segment)
        return (keys or ["A", "B"])[k % max(len(keys), 2) % max(len(keys), 1) if keys else k % 2]
    if name == "state":
        return "NC"
    if name == "postal_code":
        return "27601"
    if name in ("account_id",):
        return f"A{k:04d}"
    if field["kind"] == "number" or name in ("revenue", "potential", "visits_per_year"):
        return int(rng.integers(10, 1000))
    return f"{name} {k % 3}"


def _workbook(tmp_path: Path, template) -> tuple[Path, dict[str, str]]:
    fields = [
        {"name": f.name, "kind": f.kind, "header": f.synonyms[0].title() if f.synonyms else f.label}
        for f in template.fields
    ]
    names = {f["name"] for f in fields}
    if "account_id" not in names:
        fields.insert(0, {"name": "account_id", "kind": "text", "header": "Account ID"})
    if "name" not in names:
        fields.insert(1, {"name": "name", "kind": "text", "header": "Account Name"})
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append([f["header"] for f in fields] + ["Latitude", "Longitude"])
    rng = np.random.default_rng(7)
    for k in range(N_ACCOUNTS):
        lat, lon = 35.02 + 0.36 * rng.random(), -79.98 + 0.36 * rng.random()
        ws.append([_value(f, k, template) for f in fields] + [round(lat, 5), round(lon, 5)])
    path = tmp_path / "clients.xlsx"
    wb.save(path)
    return path, {f["name"]: f["header"] for f in fields}


@pytest.mark.slow
@pytest.mark.parametrize("name", TEMPLATES)
def test_template_end_to_end(capsys, tmp_path, name):
    template = load_template(name)
    project = tmp_path / "p.tdproj"
    code, out, err = run(
        capsys, "new", "--units", str(_units(tmp_path)), "--id-field", "code",
        "--name-field", "label", "--template", name, "--out", str(project),
    )  # fmt: skip
    assert code == 0, err
    assert f"Template: {template.title}" in out
    book, headers = _workbook(tmp_path, template)
    code, out, err = run(capsys, "import-accounts", str(project), str(book), "--json")
    assert code == 0, err
    report = json.loads(out)
    assert report["located"]["total"] == N_ACCOUNTS
    p = load_project(project)
    assert p.settings["template"] == name
    code, out, _ = run(capsys, "info", str(project))
    assert f"industry template: {name}" in out
    accounts = p.accounts.table
    for f in template.fields:  # every template field arrived under its own name
        assert f.name in accounts.columns, (f.name, list(accounts.columns))
        if f.kind == "number":
            assert accounts[f.name].dtype.kind == "f", f.name
    for f in template.fields:  # standard fields were mapped from the template's synonym
        if f.name in report["mapping"]:
            assert report["mapping"][f.name] == headers[f.name]
    code, out, err = run(capsys, "workload", str(project), "--store")
    assert code == 0, err
    code, out, err = run(capsys, "build", str(project), "-k", "3", "--json")
    assert code == 0, err
    p = load_project(project)
    assert p.plan.criterion is not None
    assert p.plan.criterion.key == template.balance_on
    assert p.plan.criterion.tolerance == pytest.approx(template.tolerance)
    for field in parse_mix(template.balance_on) or [template.balance_on]:
        assert p.is_metric(field), field
    xlsx = tmp_path / "report.xlsx"
    code, out, err = run(capsys, "export", str(project), "--excel", str(xlsx),
                         "--account-assignments", str(tmp_path / "acc.csv"))  # fmt: skip
    assert code == 0, err
    sheet = openpyxl.load_workbook(xlsx, read_only=True)["Territories"]
    headings = {str(c) for row in sheet.iter_rows(max_row=5, values_only=True) for c in row if c}
    labels = template.labels()
    for kpi in template.kpis:  # report columns carry the template's labels
        if kpi in labels and p.is_metric(kpi):
            assert labels[kpi] in headings, (kpi, headings)
    text = (tmp_path / "acc.csv").read_text()
    assert text.count("\n") >= N_ACCOUNTS
    code, out, err = run(capsys, "workload", str(project), "--json")
    figures = json.loads(out)
    assert len(figures["territories"]) == 3
    assert sum(t["accounts"] for t in figures["territories"]) == N_ACCOUNTS
    assert "Beardwood" in figures["approximation"]
    book = openpyxl.load_workbook(xlsx, read_only=True)
    rows = list(book["Workload"].iter_rows(values_only=True))
    assert rows[0][8] == "Workload hours"
    hours = [r[8] for r in rows[1:4]]
    assert sum(hours) == pytest.approx(figures["total_hours"], rel=1e-6)
    assert any("Beardwood" in str(r[0]) for r in rows[4:])
    account_headings = next(book["Accounts"].iter_rows(max_row=1, values_only=True))
    for column in template.report_columns:  # the template's account columns, labelled
        if column in p.accounts.table.columns and column not in ("account_id", "name"):
            assert template.labels().get(column, column) in account_headings or any(
                column.replace("_", " ") in str(h).lower() for h in account_headings
            ), (column, account_headings)
