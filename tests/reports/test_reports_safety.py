"""Cells never start a formula; HTML and script JSON never carry markup."""

from __future__ import annotations

import html

import pytest

from territory_designer.reports.safety import escape_html, safe_cell, safe_text


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+1+2", "'+1+2"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("\uff1d1", "'\uff1d1"),
        ("Triangle", "Triangle"),
        ("", ""),
        (12, 12),
        (-3.5, -3.5),
        (True, True),
        (None, None),
        (float("nan"), None),
    ],
)
def test_safe_cell(value, expected) -> None:
    assert safe_cell(value) == expected


def test_numbers_stay_numbers() -> None:
    assert isinstance(safe_cell(-5), int)
    assert safe_text(-5) == "-5"
    assert safe_text(2.5) == "2.5"
    assert safe_text(1000.0) == "1000"
    assert safe_text("-5") == "'-5"


def test_html_escape() -> None:
    assert escape_html('<script>"x"</script>') == "&lt;script&gt;&quot;x&quot;&lt;/script&gt;"


@pytest.mark.parametrize(
    "hostile",
    [
        "<img src=x onerror=alert('td')>",
        'Bob\'s "Best" </script><script>alert(2)</script>',
        '" onmouseover="alert(1)',
        "' autofocus onfocus='alert(1)",
        '=HYPERLINK("http://x","click")',
        "https://cdn.example.com/leaflet.js",
        "Tom & Jerry &amp; &#60;co&#62;",
        "Zürich · 北京 <b>",
    ],
)
def test_html_escape_hostile_strings(hostile: str) -> None:
    text = escape_html(hostile)
    assert not set("<>\"'") & set(text)  # no tag, and no way out of an attribute
    assert "://" not in text  # the page names no web address, even in user text
    assert html.unescape(text) == hostile  # the user still reads what they typed


def test_html_escape_of_values() -> None:
    assert escape_html(None) == ""
    assert escape_html(12.5) == "12.5"
