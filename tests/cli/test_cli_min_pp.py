"""The least compact territory's Polsby-Popper is reported next to the mean."""

from __future__ import annotations

import json
import re

import pytest

from territory_designer.cli import main


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    assert main(list(argv)) == 0
    return capsys.readouterr().out


def test_build_text_and_json_give_min_pp_beside_mean(capsys, demo_file):
    data = json.loads(_run(capsys, "build", str(demo_file), "-k", "6", "--dry-run", "--json"))
    assert 0 < data["pp_min"] <= data["pp_mean"]
    out = _run(capsys, "build", str(demo_file), "-k", "6", "--dry-run")
    mean, low = map(float, re.search(r"Polsby-Popper mean ([\d.]+) min ([\d.]+)", out).groups())
    assert low == pytest.approx(data["pp_min"], abs=1e-3)
    assert mean == pytest.approx(data["pp_mean"], abs=1e-3)


def test_rebalance_and_info_give_min_pp_beside_mean(capsys, demo_file):
    data = json.loads(_run(capsys, "rebalance", str(demo_file), "--max-moves", "3", "--json"))
    assert 0 < data["pp_min"] <= data["pp_mean"]
    out = _run(capsys, "info", str(demo_file))
    mean, low = map(float, re.search(r"Polsby-Popper mean ([\d.]+) min ([\d.]+)", out).groups())
    assert 0 < low <= mean
