"""Overlays per product line: own territories and reps, figures that never double count,
pins per overlay."""

from __future__ import annotations

import pytest
from td_rules import two_state_project, with_product_accounts

from territory_designer.core.errors import EditError
from territory_designer.core.operations import SetAccountOverride
from territory_designer.core.overlays import AddOverlay, overlay_summary, overlay_table
from territory_designer.io.project_file import load_project, save_project


def project_with_overlays():
    project = with_product_accounts(two_state_project())
    base = project.plan
    devices = base.copy("Devices")
    for t in devices.territories.values():
        t.owner = f"Specialist {t.id}"
    project.apply(AddOverlay(devices, "product_line", "Devices"))
    project.apply(AddOverlay(base.copy("Cloud"), "product_line", "Cloud"))
    return project


def test_each_line_counts_its_own_accounts_once_per_overlay() -> None:
    project = project_with_overlays()
    assert {"accounts [Devices]", "revenue [Devices]", "accounts [Cloud]"} <= set(
        project.weight_fields
    )
    devices = overlay_table(project, "Devices")
    assert devices["accounts [Devices]"].sum() == 96  # 48 Devices + 48 "Devices; Cloud"
    assert devices.iloc[0]["owner"] == "Specialist T1"
    revenue = sum(101 * (k + 1) for k in range(48))
    assert devices["revenue [Devices]"].sum() == pytest.approx(revenue)
    summary = overlay_summary(project)
    assert summary["overlays"]["Cloud"]["accounts"] == 96
    assert summary["distinct_accounts"] == 144  # every account once
    assert summary["accounts_in_several_lines"] == 48


def test_pins_work_in_each_overlay_on_its_own() -> None:
    project = project_with_overlays()
    project.set_active_plan("Devices")
    project.apply(SetAccountOverride("A000-0", 3))  # a named Devices account, pinned
    devices = overlay_table(project, "Devices").set_index("territory")
    assert devices.loc["T4", "accounts [Devices]"] == 25
    assert devices.loc["T1", "accounts [Devices]"] == 23
    assert devices["accounts [Devices]"].sum() == 96  # moved, not counted twice
    cloud = overlay_table(project, "Cloud").set_index("territory")
    assert cloud.loc["T4", "accounts [Cloud]"] == 24


def test_overlays_survive_save_and_undo(tmp_path) -> None:
    project = project_with_overlays()
    path = tmp_path / "o.tdproj"
    save_project(project, path)
    again = load_project(path)
    assert overlay_summary(again) == overlay_summary(project)
    op = again.apply(AddOverlay(again.plan.copy("Edge"), "product_line", "Cloud"))
    op.undo(again)
    assert "Edge" not in again.plans and "Edge" not in again.settings["overlays"]


def test_bad_overlays_are_refused() -> None:
    project = with_product_accounts(two_state_project())
    with pytest.raises(EditError, match="No account column 'line'"):
        project.apply(AddOverlay(project.plan.copy("X"), "line", "Devices"))
    with pytest.raises(EditError, match="No account has 'Phones'"):
        project.apply(AddOverlay(project.plan.copy("X"), "product_line", "Phones"))
    assert "X" not in project.plans


def test_a_renamed_overlay_stays_an_overlay() -> None:
    from territory_designer.core.operations import RenamePlan

    project = project_with_overlays()
    op = project.apply(RenamePlan("Devices", "Devices 2027"))
    assert "Devices 2027" in overlay_summary(project)["overlays"]
    op.undo(project)
    assert set(overlay_summary(project)["overlays"]) == {"Devices", "Cloud"}
