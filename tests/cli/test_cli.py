"""The headless command line: every command on real files, and clear errors for bad input."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import geopandas as gpd
import openpyxl
import pytest
import shapely
from cli_helpers import run

from territory_designer.cli import main
from territory_designer.io.project_file import load_project

ROOT = Path(__file__).resolve().parents[2]


def test_demo_writes_a_project_that_info_reports(capsys, tmp_path):
    out_file = tmp_path / "demo.tdproj"
    code, out, _ = run(capsys, "demo", "--out", str(out_file))
    assert code == 0 and "100 units" in out
    code, out, _ = run(capsys, "info", str(out_file), "--json")
    info = json.loads(out)
    assert info["units"] == 100
    assert info["accounts"] > 1000
    assert len(info["territories"]) == 8
    assert info["summary"]["contiguous"] is True
    assert sum(t["units"] for t in info["territories"]) == 100


def test_info_text_lists_every_territory(capsys, demo_file):
    code, out, _ = run(capsys, "info", str(demo_file))
    assert code == 0
    for name in ("Charlotte Metro", "Triangle", "Coastal", "Mountains"):
        assert name in out


def test_new_from_a_geopackage_keeps_text_ids(capsys, tmp_path):
    cells = [
        shapely.box(x, y, x + 1000, y + 1000)
        for y in range(0, 3000, 1000)
        for x in range(0, 3000, 1000)
    ]
    gdf = gpd.GeoDataFrame(
        {"code": [f"{k:05d}" for k in range(9)], "label": [f"Cell {k}" for k in range(9)]},
        geometry=cells,
        crs="EPSG:3857",
    )
    src = tmp_path / "cells.gpkg"
    gdf.to_file(src, driver="GPKG")
    out_file = tmp_path / "cells.tdproj"
    code, out, err = run(
        capsys,
        "new",
        "--units",
        str(src),
        "--id-field",
        "code",
        "--name-field",
        "label",
        "--out",
        str(out_file),
    )
    assert code == 0, err
    project = load_project(out_file)
    assert list(project.units.ids[:3]) == ["00000", "00001", "00002"]
    assert project.adjacency.rook_mask().sum() == 12


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        (["info", "missing.tdproj"], "no such file"),
        (
            ["new", "--units", "nothing.gpkg", "--id-field", "x", "--out", "o.tdproj"],
            "no such file",
        ),
        (["export", "{demo}"], "Nothing to export"),
        (["build", "{demo}"], "--territories"),
        (["info", "{demo}", "--plan", "Nope"], "no plan named"),
    ],
)
def test_bad_input_gives_one_clear_line_and_status_2(capsys, demo_file, tmp_path, argv, needle):
    argv = [a.replace("{demo}", str(demo_file)) for a in argv]
    code, out, err = run(capsys, *argv)
    assert code == 2
    assert needle in err
    assert err.count("\n") == 1 and "Traceback" not in err


def test_not_a_project_through_main_py_has_no_traceback(tmp_path):
    bogus = tmp_path / "notes.tdproj"
    bogus.write_text("hello")
    res = subprocess.run(
        [sys.executable, str(ROOT / "main.py"), "info", str(bogus)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert res.returncode == 2
    assert "not a Territory Designer project" in res.stderr
    assert "Traceback" not in res.stderr


def test_build_adds_a_balanced_plan_and_reports_runtime(capsys, demo_file):
    code, out, err = run(
        capsys,
        "build",
        str(demo_file),
        "--territories",
        "6",
        "--balance-on",
        "revenue",
        "--tolerance",
        "0.05",
        "--plan",
        "Six",
        "--json",
    )
    assert code == 0, err
    report = json.loads(out)
    assert report["runtime_s"] > 0
    assert report["contiguous"] and report["unassigned"] == 0
    assert report["max_abs_deviation_pct"] <= 5.0
    project = load_project(demo_file)
    assert project.active_plan_name == "Six"
    assert len(project.plan.territories) == 6
    # Six of the reps keep their territory's name; moves are counted against their plan.
    reps = {t.owner for t in project.plans["Working draft"].territories.values()}
    assert {t.owner for t in project.plan.territories.values()} < reps
    assert report["moved_against"] == "Working draft" and report["units_moved"] > 0

    code, out, err = run(capsys, "build", str(demo_file), "-k", "6", "--fresh-territories")
    assert code == 0, err
    names = [t.name for t in load_project(demo_file).plan.territories.values()]
    assert names == [f"Territory {i:02d}" for i in range(1, 7)]


def test_rebalance_caps_moves_and_lists_them(capsys, demo_file):
    code, out, err = run(
        capsys, "rebalance", str(demo_file), "--max-moves", "5", "--json", "--curve"
    )
    assert code == 0, err
    report = json.loads(out)
    assert 0 < len(report["moves"]) <= 5
    assert report["units_moved"] == len(report["moves"])
    assert {"unit_id", "from", "to", "accounts", "revenue", "reason"} <= set(report["moves"][0])
    assert report["moves"][0]["from"].startswith("T")


def test_rebalance_ranked_by_revenue_moves_less_revenue_than_ranked_by_units(capsys, demo_file):
    moved = {}
    for rank in ("revenue", "units"):
        code, out, err = run(
            capsys,
            "rebalance",
            str(demo_file),
            "--max-moves",
            "12",
            "--rank-by",
            rank,
            "--dry-run",
            "--json",
        )
        assert code == 0, err
        moved[rank] = json.loads(out)["revenue_moved"]
    assert 0 < moved["revenue"] < moved["units"]


def test_export_assignments_has_one_row_per_unit(capsys, demo_file, tmp_path):
    out_csv = tmp_path / "assign.csv"
    code, _, err = run(capsys, "export", str(demo_file), "--assignments", str(out_csv))
    assert code == 0, err
    with open(out_csv, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 100
    assert {"unit_id", "territory"} <= set(rows[0])
    assert all(r["territory"] for r in rows)


def test_import_accounts_json_counts_add_up(capsys, demo_file, tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Customer list"])
    ws.append(["Customer ID", "Customer Name", "ZIP", "Revenue"])
    ws.append(["C1", "Alpha", 27601, "$1,234.50"])
    ws.append(["C2", "Beta", "28202-1234", "2,000"])
    ws.append(["C3", "Gamma", 99999, "300"])
    src = tmp_path / "customers.xlsx"
    wb.save(src)
    code, out, err = run(capsys, "import-accounts", str(demo_file), str(src), "--json")
    assert code == 0, err
    summary = json.loads(out)
    assert summary["rows"] == 3
    assert summary["located"]["total"] + summary["unlocated"]["total"] == summary["rows"]
    assert summary["located"]["postal_code"] == 2
    project = load_project(demo_file)
    assert len(project.accounts) == 3


@pytest.mark.parametrize(
    ("command", "args", "message"),
    [
        ("build", ["-k", "5", "--tolerance", "-1"], "--tolerance: must be between 0 and 1"),
        ("build", ["-k", "1"], "--territories/-k: must be at least 2"),
        ("build", ["-k", "5", "--compactness", "3"], "--compactness: must be between 0 and 1"),
        ("rebalance", ["--max-moves", "-5"], "--max-moves: must be at least 0"),
    ],
)
def test_out_of_range_engine_options_are_refused_and_nothing_is_saved(
    capsys, demo_file, command, args, message
):
    before = demo_file.read_bytes()
    with pytest.raises(SystemExit) as exit_info:
        main([command, str(demo_file), *args])
    assert exit_info.value.code == 2
    assert message in capsys.readouterr().err
    assert demo_file.read_bytes() == before


def test_rebalance_of_a_balanced_plan_adds_nothing(capsys, demo_file):
    run(
        capsys,
        "build",
        str(demo_file),
        "-k",
        "4",
        "--balance-on",
        "revenue",
        "--tolerance",
        "0.03",
        "--plan",
        "Four",
    )
    before = list(load_project(demo_file).plans)
    code, out, err = run(
        capsys, "rebalance", str(demo_file), "--max-moves", "5", "--tolerance", "0.05"
    )
    assert code == 0, err
    assert "Nothing to rebalance" in out
    assert list(load_project(demo_file).plans) == before


def test_rebalance_with_no_move_allowed_says_the_cap_is_why(capsys, demo_file):
    before = list(load_project(demo_file).plans)
    code, out, err = run(capsys, "rebalance", str(demo_file), "--max-moves", "0")
    assert code == 0, err
    assert "Nothing moved: plan 'Working draft' is 43.80% from target" in out
    assert "the caps on what may move allow no move" in out
    assert list(load_project(demo_file).plans) == before


def _revenue_by_territory(path: Path) -> dict[str, tuple[float, float | None]]:
    project = load_project(path)
    plan, fields = project.plan, project.weight_fields
    revenue = project.weights[:, fields.index("revenue")]
    return {
        t.id: (float(revenue[plan.assignment == code].sum()), t.target)
        for code, t in plan.territories.items()
    }


def test_build_with_capacities_gives_a_part_time_rep_half(capsys, demo_file):
    code, out, err = run(
        capsys,
        "build",
        str(demo_file),
        "-k",
        "4",
        "--balance-on",
        "revenue",
        "--capacities",
        "1,1,0.5,1",
        "--json",
    )
    assert code == 0, err
    report = json.loads(out)
    assert report["max_abs_deviation_pct"] <= 5.0  # measured against each own target
    totals = _revenue_by_territory(demo_file)
    full = [totals[t][0] for t in ("T01", "T02", "T04")]
    assert totals["T03"][0] == pytest.approx(sum(full) / 3 / 2, rel=0.1)
    assert totals["T03"][1] == pytest.approx(totals["T01"][1] / 2)


def test_build_from_home_bases_with_named_capacities(capsys, demo_file):
    code, _, err = run(
        capsys,
        "build",
        str(demo_file),
        "--from-home-bases",
        "--balance-on",
        "revenue",
        "--capacities",
        "T03=0.5",
    )
    assert code == 0, err
    totals = _revenue_by_territory(demo_file)
    others = [v for tid, (v, _) in totals.items() if tid != "T03"]
    assert totals["T03"][0] == pytest.approx(sum(others) / len(others) / 2, rel=0.1)


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["-k", "4", "--capacities", "1,1,0.5"], "one per territory (4), not 3"),
        (["-k", "4", "--capacities", "1,0,1,1"], "T02 has 0; each must be above 0"),
        (["-k", "4", "--capacities", "1,abc,1,1"], "'abc' is not a number"),
        (["--from-home-bases", "--capacities", "T99=0.5"], "no territory 'T99'"),
        (["-k", "4", "--capacities", "T01=0.5,1"], "either one number per territory"),
        (["-k", "4", "--max-distance-km", "100"], "needs --from-home-bases"),
    ],
)
def test_bad_capacities_give_one_line_and_status_2(capsys, demo_file, args, needle):
    before = demo_file.read_bytes()
    code, _, err = run(capsys, "build", str(demo_file), *args)
    assert code == 2
    assert needle in err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert demo_file.read_bytes() == before
