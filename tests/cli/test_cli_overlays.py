"""``overlay``: product-line plans from the command line, built on the line's own figures."""

from __future__ import annotations

import json

from td_rules import two_state_project, with_product_accounts

from territory_designer.cli import main
from territory_designer.io.project_file import load_project, save_project


def test_overlay_add_copy_and_build_then_list(tmp_path, capsys):
    path = tmp_path / "o.tdproj"
    save_project(with_product_accounts(two_state_project()), path)
    assert main(["overlay", str(path), "add", "Devices", "--field", "product_line",
                 "--value", "Devices", "--copy-of", "Plan 1"]) == 0  # fmt: skip
    code = main(["overlay", str(path), "add", "Cloud team", "--field", "product_line",
                 "--value", "Cloud", "--build", "3", "--balance-on", "revenue"])  # fmt: skip
    assert code == 0, capsys.readouterr().err
    capsys.readouterr()
    assert main(["overlay", str(path), "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    cloud = summary["overlays"]["Cloud team"]
    assert len(cloud["territories"]) == 3
    assert sum(t["accounts [Cloud]"] for t in cloud["territories"]) == 96
    values = [t["revenue [Cloud]"] for t in cloud["territories"]]
    assert max(values) / min(values) < 1.3  # balanced on the line's own revenue
    assert summary["distinct_accounts"] == 144
    project = load_project(path)
    assert project.active_plan_name == "Cloud team"
    assert main(["overlay", str(path)]) == 0
    out = capsys.readouterr().out
    assert "Overlay 'Devices': product line Devices (96 accounts" in out
    assert "144 (48 in several lines, counted once)" in out


def test_overlay_errors_leave_the_file_alone(tmp_path, capsys):
    path = tmp_path / "o.tdproj"
    save_project(with_product_accounts(two_state_project()), path)
    before = path.read_bytes()
    code = main(["overlay", str(path), "add", "X", "--field", "segment", "--value", "A"])
    assert code == 2 and "No account column 'segment'" in capsys.readouterr().err
    assert path.read_bytes() == before
