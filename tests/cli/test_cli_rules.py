"""``constraints``: rules set, shown and checked from the command line; the engine keeps them."""

from __future__ import annotations

import json

import pytest
from cli_helpers import run
from td_rules import two_state_project

from territory_designer.io.project_file import load_project, save_project


@pytest.fixture
def project_file(tmp_path):
    path = tmp_path / "two.tdproj"
    save_project(two_state_project(), path)
    return path


def test_set_show_and_keep_rules(capsys, project_file):
    code, out, err = run(
        capsys,
        "constraints", str(project_file), "set",
        "--stay-within", "state", "--max-accounts", "30",
        "--licensed-states-field", "licensed_states", "--state-field", "state",
        "--licence", "Ann=NC", "--licence", "Bob=NC",
        "--soft-target", "population:min=300,max=700,ideal=500,weight=2",
    )  # fmt: skip
    assert code == 0, err
    assert "Every rule holds." in out and "Ann: NC" in out
    code, out, _ = run(capsys, "constraints", str(project_file), "--json")
    report = json.loads(out)
    assert report["rules"]["stay_within"] == "state" and report["rules"]["max_accounts"] == 30
    assert report["violations"] == []
    assert report["soft_targets_checked"] == 4
    assert report["soft_targets_met"] == sum(
        300 <= t["value"] <= 700 for t in report["soft_targets"]
    )
    code, out, err = run(capsys, "build", str(project_file), "-k", "4", "--balance-on",
                         "population")  # fmt: skip
    assert code == 0, err
    code, out, _ = run(capsys, "constraints", str(project_file), "--json")
    assert json.loads(out)["violations"] == []


def test_a_broken_rule_is_named_and_exits_1(capsys, project_file):
    run(capsys, "constraints", str(project_file), "set", "--max-accounts", "20")
    code, out, _ = run(capsys, "constraints", str(project_file))
    assert code == 1
    assert "BROKEN (4)" in out and "T1: Territory 1 holds 24 accounts (at most 20)" in out


def test_bad_rules_are_refused_and_the_file_is_unchanged(capsys, project_file):
    before = project_file.read_bytes()
    code, _, err = run(capsys, "constraints", str(project_file), "set", "--stay-within", "nope")
    assert code == 2 and "unit field 'nope'" in err
    code, _, err = run(
        capsys, "constraints", str(project_file), "set", "--soft-target", "population:mini=3"
    )
    assert code == 2 and "unknown key 'mini'" in err
    assert project_file.read_bytes() == before
    assert "constraints" not in load_project(project_file).settings


def test_hierarchy_set_and_show(capsys, project_file):
    for tid, district, region in (("T1", "D1", "East"), ("T2", "D1", ""), ("T3", "D2", "East")):
        argv = ["hierarchy", str(project_file), "set", tid, "--district", district]
        if region:
            argv += ["--region", region]
        code, out, err = run(capsys, *argv)
        assert code == 0, err
    code, out, err = run(capsys, "hierarchy", str(project_file), "set", "T4", "--district", "D3",
                         "--region", "West", "--name", "D3=Lowcountry")  # fmt: skip
    assert code == 0 and "Place Territory 4 under D3 / West" in out
    code, out, _ = run(capsys, "hierarchy", str(project_file), "--json")
    report = json.loads(out)
    regions = {r["node"]: r for r in report["rollups"]["region"]}
    assert regions["East"]["territories"] == 3 and regions["West"]["accounts"] == 24
    districts = {r["node"]: r for r in report["rollups"]["district"]}
    assert districts["D3"]["name"] == "Lowcountry" and districts["D1"]["region"] == "East"
    code, out, _ = run(capsys, "hierarchy", str(project_file), "--level", "region")
    assert "East: 3 territories, 36 units, 72 accounts" in out


def test_hierarchy_errors_name_what_is_wrong(capsys, project_file):
    code, _, err = run(capsys, "hierarchy", str(project_file), "set", "T9", "--district", "D1")
    assert code == 2 and "No territory 'T9'" in err and "T1, T2" in err
    code, _, err = run(capsys, "hierarchy", str(project_file), "set", "T1", "--parent", "zone=Z")
    assert code == 2 and "No hierarchy level zone" in err
    code, out, err = run(capsys, "hierarchy", str(project_file), "set", "--levels",
                         "territory,district,region,zone")  # fmt: skip
    assert code == 0, err
    code, _, err = run(capsys, "hierarchy", str(project_file), "set", "T1", "--parent", "zone=Z")
    assert code == 0, err


def test_a_territory_licence_from_the_command_line(capsys, project_file):
    code, out, err = run(capsys, "constraints", str(project_file), "set",
                         "--licensed-states-field", "licensed_states", "--state-field", "state",
                         "--licence", "Ann=NC;SC", "--territory-licence", "T1=SC")  # fmt: skip
    assert code == 1  # Territory 1 holds NC units, its own licence says SC only
    assert "Ann is licensed in SC but Territory 1 holds 12 unit(s) in NC" in out
    code, _, err = run(capsys, "constraints", str(project_file), "set",
                       "--territory-licence", "T9=NC")  # fmt: skip
    assert code == 2 and "territory id of the plan" in err
