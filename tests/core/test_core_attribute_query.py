"""Attribute queries (issue 11): the parser, matching on units and accounts, and the
fill-by-attribute edit as one undoable step that skips locked units."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from td_factories import build_grid_project

from territory_designer.core.accounts import AccountTable
from territory_designer.core.attribute_fields import account_fields, unit_fields
from territory_designer.core.attribute_operations import AssignWhere, units_where
from territory_designer.core.attribute_query import QueryError, match, parse_query
from territory_designer.core.errors import LockedError
from territory_designer.core.operations import SetUnitsLocked, UpdateTerritory

LAYOUT = ["AAABBB", "AAABBB", "CCCBB.", "CCCCC."]


@pytest.fixture
def project():
    return build_grid_project(4, 6, LAYOUT)


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("state = NC", "state = NC"),
        ("state==nc", "state = nc"),
        ("revenue > 10,000", "revenue > '10,000'"),
        ("county in (Wake, Durham)", "county in (Wake, Durham)"),
        ("city = Cary, NC", "city = 'Cary, NC'"),
        ("county not in (Wake,Durham)", "county not in (Wake, Durham)"),
        ("sales rep = Ann Lee", "sales rep = Ann Lee"),
        ("'sales rep' ≠ 'Ann and Bob'", "sales rep != 'Ann and Bob'"),
        ("name contains hospital and revenue >= 5", "name contains hospital and revenue >= 5"),
        ("county in (Wake and Johnston, Lee)", "county in ('Wake and Johnston', Lee)"),
    ],
)
def test_queries_read_as_written(text, canonical):
    assert str(parse_query(text)) == canonical


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("", "Empty query"),
        ("state", "no operator after 'state'"),
        ("state =", "no value after state ="),
        ("county in Wake", "in brackets"),
        ("county in (Wake, Durham", r"lacks its '\)'"),
        ("= NC", "start with a field name"),
        ("state = NC or county = Wake", "expected 'and'"),
    ],
)
def test_unreadable_queries_say_what_is_wrong(text, says):
    with pytest.raises(QueryError, match=says):
        parse_query(text)


def test_unit_queries_match_text_numbers_territories_and_locks(project):
    # row 0 is the bottom of the drawn layout: CCCCC. ; region R0 = rows 0 and 1.
    assert units_where(project, "region = r0").tolist() == list(range(12))
    assert units_where(project, "REGION in (R1)").tolist() == list(range(12, 24))
    assert units_where(project, "col >= 4 and row = 0").tolist() == [4, 5]
    assert units_where(project, "territory = Territory A").tolist() == [12, 13, 14, 18, 19, 20]
    assert units_where(project, "territory = T01").tolist() == [12, 13, 14, 18, 19, 20]
    assert units_where(project, "territory = unassigned").tolist() == [5, 11]
    assert units_where(project, "name contains ' 3-'").tolist() == list(range(18, 24))
    assert units_where(project, "id = 0007").tolist() == [7]
    revenue = project.units.attributes["revenue"].to_numpy()
    assert (
        units_where(project, "revenue > 1200").tolist() == np.flatnonzero(revenue > 1200).tolist()
    )
    assert units_where(project, "population != 5").size == 24 - np.sum(
        project.units.attributes["population"] == 5
    )
    project.apply(SetUnitsLocked([3, 4], True))
    assert units_where(project, "locked = yes").tolist() == [3, 4]
    assert units_where(project, "locked = no").size == 22


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("state = NC", "Unknown field 'state'"),
        ("regoin = R0", "Did you mean region"),
        ("revenue > lots", "Field 'revenue' holds numbers: 'lots' is not a number"),
        ("region > 3", "Field 'region' holds text"),
        ("locked = maybe", "Field 'locked' is yes/no"),
    ],
)
def test_bad_fields_and_values_name_the_field(project, text, says):
    with pytest.raises(QueryError, match=says):
        units_where(project, text)


def test_account_queries_see_the_unit_and_the_territory(project):
    table = pd.DataFrame(
        {
            "account_id": ["A1", "A2", "A3"],
            "name": ["North Clinic", "South Store", "Lost One"],
            "x": [0.0, 0.0, 0.0],
            "y": [0.0, 0.0, 0.0],
            "unit": [12, 0, -1],
            "located_by": ["coordinates"] * 3,
            "segment": ["Clinic", "Retail", "Retail"],
            "revenue": [5000.0, 20000.0, 100.0],
        }
    )
    project.replace_accounts(AccountTable(table))
    fields = account_fields(project)
    assert [f.name for f in fields][:4] == ["id", "name", "unit", "territory"]
    assert "x" not in [f.name for f in fields]
    assert match("territory = Territory A", fields).tolist() == [True, False, False]
    assert match("unit = 0000", fields).tolist() == [False, True, False]
    assert match("segment = retail and revenue > 1000", fields).tolist() == [False, True, False]
    # The account sums join the unit fields (as the territory figures count them).
    names = [f.name for f in unit_fields(project)]
    assert "accounts" in names and "revenue (accounts)" in names
    assert units_where(project, "accounts > 0").tolist() == [0, 12]


def test_fill_by_attribute_is_one_undoable_edit_that_skips_locks(project):
    project.apply(SetUnitsLocked([12], True))  # a unit of A in region R1
    op = AssignWhere("region = R1", 0)  # into Territory A (code 0)
    project.apply(op)
    assert op.matched == 12 and op.skipped_locked == 1 and op.already == 5
    assert op.units.size == 6
    assert op.describe(project) == (
        "Assigned 6 units to Territory A (12 units match region = R1); "
        "5 units already in Territory A; 1 locked unit skipped."
    )
    assert (project.plan.assignment[12:24] == 0).all()
    op.undo(project)
    before = build_grid_project(4, 6, LAYOUT).plan.assignment
    assert project.plan.assignment.tolist() == before.tolist()


def test_fill_skips_locked_territories_and_refuses_a_locked_target(project):
    project.apply(UpdateTerritory(1, locked=True))  # Territory B
    op = AssignWhere("row = 3", 2)
    project.apply(op)
    assert op.skipped_locked == 3 and op.units.size == 3
    with pytest.raises(LockedError):
        project.apply(AssignWhere("row = 0", 1))


def test_fill_with_no_match_changes_nothing(project):
    op = AssignWhere("revenue > 1e9", -1)
    before = project.revision
    project.apply(op)
    assert op.matched == 0 and op.units.size == 0 and project.revision == before
    assert op.describe(project) == "No unit matches revenue > 1e9."


def _with_accounts(project):
    table = pd.DataFrame(
        {
            "account_id": ["A1", "A2", "A3"],
            "name": ["North Clinic", "South Store", "Corner Shop"],
            "x": [0.0, 0.0, 0.0],
            "y": [0.0, 0.0, 0.0],
            "unit": [12, 0, 1],
            "located_by": ["coordinates"] * 3,
            "revenue": [5000.0, 20000.0, 100.0],
        }
    )
    project.replace_accounts(AccountTable(table))
    return project


def test_pinning_accounts_is_one_edit_and_moves_their_figures(project):
    from territory_designer.core.attribute_operations import PinAccounts

    _with_accounts(project)
    revenue = project.weight_fields.index("revenue (accounts)")
    before = project.metrics.totals()[:, revenue].copy()
    op = PinAccounts(["A2", "A3"], 0)  # units 0 and 1 are in C; pin them to A
    project.apply(op)
    assert op.text == "Pin 2 accounts to Territory A"
    fields = account_fields(project)
    assert match("pinned = yes", fields).tolist() == [False, True, True]
    assert match("territory = Territory A", fields).tolist() == [True, True, True]
    after = project.metrics.totals()[:, revenue]
    assert after[1] - before[1] == pytest.approx(20100.0)  # slot 1 = code 0 (A)
    op.undo(project)
    assert project.plan.account_overrides == {}
    assert match("pinned = yes", account_fields(project)).sum() == 0


def test_pinning_refuses_locked_territories_either_side(project):
    from territory_designer.core.attribute_operations import PinAccounts

    _with_accounts(project)
    project.apply(UpdateTerritory(2, locked=True))  # C holds A2 and A3
    with pytest.raises(LockedError, match="locked territory 'Territory C'"):
        project.apply(PinAccounts(["A2"], 0))
    with pytest.raises(LockedError, match="cannot gain accounts"):
        project.apply(PinAccounts(["A1"], 2))
    assert project.plan.account_overrides == {}


def test_layer_fields_named_like_the_table_columns_keep_both(project):
    project.units.attributes["territory"] = ["Old"] * 24
    project.units.attributes["Name"] = ["x"] * 24
    names = [f.name for f in unit_fields(project)]
    assert names[:4] == ["id", "name", "territory", "locked"]
    assert "territory (units layer)" in names and "Name (units layer)" in names
    assert units_where(project, "'territory (units layer)' = old").size == 24
    assert units_where(project, "territory = old").size == 0
