"""Field headings and figures as the dock and every report print them."""

from __future__ import annotations

import pytest

from territory_designer.core.formatting import clipped, field_label, format_figure, format_number


@pytest.mark.parametrize(
    ("name", "label"),
    [
        ("visits_per_year", "Visits per year"),
        ("accounts=0.6,revenue=0.4", "Accounts 60% + revenue 40%"),
        ("accounts=3,revenue=1", "Accounts 75% + revenue 25%"),
        (2024, "2024"),
    ],
)
def test_field_label(name, label) -> None:
    assert field_label(name) == label


@pytest.mark.parametrize(
    ("value", "kind", "text"),
    [
        (12345.6, "float", "12,346"),
        (398.52, "float", "399"),
        (7.0, "float", "7"),
        (3.14159, "float", "3.14"),
        (-0.5, "float", "-0.50"),
        (1234.6, "int", "1,235"),
        (0.052, "pct", "+5.2%"),
        (0.75432, "ratio", "0.754"),
        (None, "float", ""),
        (float("nan"), "pct", ""),
        ("mean", "float", "mean"),
    ],
)
def test_format_figure(value, kind, text) -> None:
    assert format_figure(value, kind) == text
    if kind == "float" and isinstance(value, float) and value == value:
        assert format_number(value) == text


@pytest.mark.parametrize(
    ("text", "width", "expected"),
    [
        ("Revenue", 10, "Revenue"),
        ("Accounts moved vs Baseline 2026", 30, "Accounts moved vs Baseline 20…"),
        ("abcdef", 6, "abcdef"),
        ("abcdefg", 6, "abcde…"),
    ],
)
def test_clipped_marks_a_cut(text, width, expected):
    assert clipped(text, width) == expected
    assert len(clipped(text, width)) <= width
