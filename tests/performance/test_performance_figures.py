"""Growth, customers, retention and attainment on a case small enough to check by hand
(see perf_factories.LINES)."""

from __future__ import annotations

import pytest
from perf_factories import two_territory_project

from territory_designer.core.attribution import plan_start_edit
from territory_designer.core.errors import InputError
from territory_designer.core.history_operations import SetSetting
from territory_designer.core.performance import QUOTAS_KEY, project_performance


def _rows(project, **kw) -> dict:
    table = project_performance(project, **kw)
    key = next(iter(table.rows()[0]))
    return {(r[key], r["period"]): r for r in table.rows()}, table


def test_monthly_revenue_growth_and_customers_by_hand():
    rows, table = _rows(two_territory_project(), kind="month")
    assert table.periods[0] == "2024-01" and table.periods[-1] == "2025-01"
    jan, feb, mar = rows["T01", "2024-01"], rows["T01", "2024-02"], rows["T01", "2024-03"]
    assert jan["revenue"] == 150 and jan["customers"] == 2
    # The history starts in January: nothing before it to grow from or retain.
    assert jan["growth_pct"] is None and jan["retention_pct"] is None
    assert jan["new_customers"] is None and jan["lost_customers"] is None
    # February: a1 buys again, a2 does not -> 1 of 2 kept.
    assert feb["revenue"] == 150 and feb["growth_pct"] == 0
    assert (feb["customers"], feb["new_customers"], feb["lost_customers"]) == (1, 0, 1)
    assert feb["retention_pct"] == 50
    # March: a2 is back (not new), a1 is gone.
    assert mar["growth_pct"] == pytest.approx(-80)
    assert (mar["customers"], mar["new_customers"], mar["lost_customers"]) == (1, 0, 1)
    assert mar["retention_pct"] == 0
    # An empty month after an empty month: growth and retention undefined, not 0.
    assert rows["T01", "2024-05"]["growth_pct"] is None
    assert rows["T01", "2024-05"]["retention_pct"] is None
    # Year over year: 120 in January 2025 against 150 in January 2024.
    assert rows["T01", "2025-01"]["yoy_pct"] == pytest.approx(-20)
    b_feb, b_mar = rows["T02", "2024-02"], rows["T02", "2024-03"]
    assert b_feb["new_customers"] == 1 and b_feb["growth_pct"] is None
    assert b_mar["growth_pct"] == pytest.approx(-50) and b_mar["retention_pct"] == 100


def test_quarters_and_years_add_up_and_unknown_accounts_are_said():
    rows, table = _rows(two_territory_project(), kind="quarter")
    assert rows["T01", "2024-Q1"]["revenue"] == 330
    assert rows["T02", "2024-Q1"]["revenue"] == 300
    assert rows["T01", "2025-Q1"]["yoy_pct"] == pytest.approx(100 * (120 - 330) / 330)
    years, _ = _rows(two_territory_project(), kind="year")
    assert years["T01", "2024"]["revenue"] == 330 and years["T01", "2025"]["revenue"] == 120
    # T01 2025: a1 kept of a1, a2.
    assert years["T01", "2025"]["retention_pct"] == 50
    assert any("1 order lines (999.00) count for no territory" in n for n in table.notes)


def test_attainment_against_potential_share_then_against_set_quotas():
    project = two_territory_project()
    rows, table = _rows(project, kind="month")
    # January: 150 sold in all; T01 holds 300 of 400 potential -> quota 112.5.
    assert rows["T01", "2024-01"]["quota"] == pytest.approx(112.5)
    assert rows["T01", "2024-01"]["attainment_pct"] == pytest.approx(150 / 112.5 * 100)
    assert "potential" in table.quota_source
    project.apply(SetSetting(QUOTAS_KEY, {"T01": 1200.0}))
    rows, table = _rows(project, kind="quarter")
    assert rows["T01", "2024-Q1"]["quota"] == 300
    assert rows["T01", "2024-Q1"]["attainment_pct"] == pytest.approx(110)
    assert rows["T02", "2024-Q1"]["attainment_pct"] is None  # no quota set for T02
    assert table.quota_source == "set quotas"


def test_rep_and_hierarchy_levels_and_revenue_per_rep():
    from territory_designer.core.hierarchy import NODES_KEY

    project = two_territory_project()
    for t in project.plan.territories.values():
        t.parent = "D1"
    project.settings[NODES_KEY] = {
        "D1": {"level": "district", "name": "North", "parent": "R1"},
        "R1": {"level": "region", "name": "East", "parent": None},
    }
    rows, _ = _rows(project, kind="year", level="district")
    north = rows["D1", "2024"]
    assert north["name"] == "North"
    assert north["revenue"] == 630 and north["revenue_per_rep"] == 315
    regions, _ = _rows(project, kind="year", level="region")
    assert regions["R1", "2024"]["revenue"] == 630
    reps, _ = _rows(project, kind="year", level="rep")
    assert reps["Rep B", "2024"]["revenue"] == 300
    with pytest.raises(InputError, match="territory, rep, district, region"):
        project_performance(project, level="area")


def test_plan_in_force_at_the_time_against_the_active_plan():
    project = two_territory_project()
    swapped = project.plan.copy("Plan 2")
    swapped.assignment[:] = [1, 0]  # from March the units change territory
    project.plans["Plan 2"] = swapped
    with pytest.raises(InputError, match="plan-start"):
        project_performance(project, basis="in-force")
    project.apply(plan_start_edit(project, "Plan 1", "2024-01-01"))
    project.apply(plan_start_edit(project, "Plan 2", "2024-03-01"))
    rows, table = _rows(project, kind="month", basis="in-force")
    assert "'Plan 2' from 2024-03-01" in table.attribution.statement
    assert rows["T01", "2024-02"]["revenue"] == 150  # a1 under Plan 1
    assert rows["T01", "2024-03"]["revenue"] == 100  # b1 under Plan 2
    assert rows["T02", "2024-03"]["revenue"] == 30  # a2 under Plan 2
    # b1 was T02's customer in February and bought in March: kept by T02, not lost.
    assert rows["T02", "2024-03"]["retention_pct"] == 100
    active, t2 = _rows(project, kind="month")
    assert active["T02", "2024-03"]["revenue"] == 100 and "active plan" in t2.attribution.statement


def test_scores_average_per_territory():
    from territory_designer.core.performance import group_scores

    project = two_territory_project()
    table = project_performance(project, kind="year")
    scores = {s["territory_id"]: s for s in group_scores(project, table.attribution, ["nps"])}
    assert scores["T01"]["mean"] == 7 and scores["T01"]["accounts"] == 2
    with pytest.raises(InputError, match="No account field 'csat'"):
        group_scores(project, table.attribution, ["csat"])


def test_a_project_without_order_lines_says_how_to_get_them():
    project = two_territory_project()
    project.transactions = None
    with pytest.raises(InputError, match="import-sales"):
        project_performance(project)


def test_figures_per_unit_for_the_map():
    from territory_designer.core.performance_map import territory_figure_on_units, unit_sales
    from territory_designer.core.sales_history import SalesHistory, parse_period

    project = two_territory_project()
    history = SalesHistory.of_project(project)
    period, kind = parse_period("2024-Q1")
    assert unit_sales(project, history, kind, period).tolist() == [330, 300]
    table = project_performance(project, kind="quarter")
    retention = territory_figure_on_units(project, table, table.retention_pct(), 1)
    assert retention.tolist() == [0, 0]  # 2024-Q2: nobody bought again
