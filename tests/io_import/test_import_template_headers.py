"""The account import under an industry template (issue 12): the template's synonyms map
the client's headers, its own fields keep their columns under the template's names (as
numbers where it says), and a cell that is not a number is left blank with its row."""

from __future__ import annotations

import pytest
from import_files import write_xlsx

from territory_designer.core.templates import apply_template
from territory_designer.io.accounts_import import import_accounts
from territory_designer.io.accounts_import.headers import guess_mapping
from territory_designer.io.accounts_import.template_columns import (
    match_template_columns,
    preview_mapping,
)
from territory_designer.io.templates import load_template

HEADERS = ["NPI", "Physician Name", "Zip", "Specialty", "Rx Decile", "TRx", "Revenue"]


def _rows() -> list[list[object]]:
    return [
        HEADERS,
        ["1001", "Dr A", "0001", "Cardiology", 10, 500, 100],
        ["1002", "Dr B", "0002", "Primary Care", "ten", 300, 200],
        ["1003", "Dr C", "0003", "Hospital", 3, 100, 300],
    ]


def test_pharma_headers_are_mapped_and_decile_kept_as_numbers(grid_project, tmp_path):
    apply_template(grid_project, load_template("pharmaceutical"))
    report = import_accounts(grid_project, write_xlsx(tmp_path / "hcps.xlsx", _rows()))
    assert report.mapping["account_id"] == "NPI"
    assert report.mapping["potential"] == "TRx"
    assert report.mapping["segment"] == "Specialty"
    table = grid_project.accounts.table.set_index("account_id")
    assert "decile" in table.columns and "Rx Decile" not in table.columns
    assert table.loc["1001", "decile"] == 10.0 and table.loc["1003", "decile"] == 3.0
    assert table["decile"].isna().sum() == 1  # "ten"
    note = next(n for n in report.notes if "not numbers" in n)
    assert "'decile'" in note and "rows 3" in note  # the file's row of "ten"
    assert "potential" in grid_project.weight_fields and "decile" in grid_project.weight_fields


def test_without_a_template_the_import_is_unchanged(grid_project, tmp_path):
    report = import_accounts(grid_project, write_xlsx(tmp_path / "hcps.xlsx", _rows()))
    assert report.mapping.get("potential") is None
    assert "Rx Decile" in grid_project.accounts.table.columns


def test_an_explicit_mapping_wins_over_the_template(grid_project, tmp_path):
    apply_template(grid_project, load_template("pharmaceutical"))
    report = import_accounts(
        grid_project, write_xlsx(tmp_path / "hcps.xlsx", _rows()), mapping={"revenue": "TRx"}
    )
    assert report.mapping["revenue"] == "TRx"


def test_template_field_names_do_not_steal_columns_guessed_exactly():
    fields = load_template("retail").settings()["template_fields"]
    columns = ["Store", "Store Name", "Sales", "Format", "Sq Ft", "Zip"]
    guessed = guess_mapping(columns)
    matched = match_template_columns(fields, columns, guessed)
    assert matched.renames == {"Sq Ft": "square_feet"}
    mapping = preview_mapping({"template_fields": fields}, columns, guessed)
    assert mapping["segment"] == "Format"
    assert mapping["revenue"] == "Sales"  # the import's own exact guess stands
    assert mapping["account_id"] == "Store"


@pytest.mark.parametrize("name", ["energy", "financial_services", "ecommerce"])
def test_each_template_finds_its_own_number_field(name):
    template = load_template(name)
    own = next(f for f in template.fields if f.kind == "number")
    header = own.synonyms[-1].upper()
    fields = template.settings()["template_fields"]
    matched = match_template_columns(fields, ["id", header], guess_mapping(["id", header]))
    assert matched.renames == {header: own.name}
