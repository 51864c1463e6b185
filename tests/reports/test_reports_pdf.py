"""The PDF report: one cover plus one page per territory, on A4 or Letter."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from report_fixtures import (
    HOSTILE_DOLLARS,
    HOSTILE_MARKUP,
    HOSTILE_NAME,
    HOSTILE_OWNER,
    HOSTILE_QUOTES,
)
from td_programs import required_program

from territory_designer.core.project import Project
from territory_designer.reports import ExportOptions, export
from territory_designer.reports.pdf import page_count as pages_of
from territory_designer.reports.pdf import territory_layout
from territory_designer.reports.pdf_accounts import account_list
from territory_designer.reports.tables import build_report_data


def page_count(path: Path) -> int:
    """Pages of a PDF written by matplotlib (``/Type /Page`` objects, not ``/Pages``)."""
    return len(re.findall(rb"/Type\s*/Page(?![s\w])", path.read_bytes()))


def media_box(path: Path) -> tuple[float, float]:
    m = re.search(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]", path.read_bytes())
    assert m
    return float(m.group(1)), float(m.group(2))


@pytest.mark.parametrize(("paper", "size"), [("a4", (595.44, 841.68)), ("letter", (612, 792))])
def test_demo_pdf_pages_and_paper(
    demo_project: Project, tmp_path: Path, paper: str, size: tuple[float, float]
) -> None:
    out = export("pdf", demo_project, tmp_path / "plan.pdf", ExportOptions(paper=paper))
    assert out.read_bytes().startswith(b"%PDF")
    # A cover, then each territory's page and the pages continuing its account list.
    data = build_report_data(demo_project)
    expected = 1 + sum(
        pages_of(account_list(data, int(c)), paper, territory_layout(data, int(c), paper))
        for c in data.territories["code"]
    )
    assert page_count(out) == expected > 1 + len(demo_project.plan.territories)
    assert media_box(out) == pytest.approx(size, abs=1)


def test_grid_pdf_with_hostile_names(hostile_plan: Project, tmp_path: Path) -> None:
    out = export("pdf", hostile_plan, tmp_path / "grid.pdf")
    assert page_count(out) == 4
    pdftotext = required_program("pdftotext")
    pages = [
        subprocess.run(
            [pdftotext, "-f", str(k), "-l", str(k), "-layout", str(out), "-"],
            capture_output=True, text=True, check=True,
        ).stdout
        for k in range(1, 5)
    ]  # fmt: skip
    # Every name prints exactly as typed: no mathtext between dollar signs, no markup.
    assert f"T01 {HOSTILE_NAME}" in pages[1] and f"Owner: {HOSTILE_OWNER}" in pages[1]
    assert f"T03 {HOSTILE_DOLLARS}" in pages[3] and f"Owner: {HOSTILE_DOLLARS} " in pages[3]
    accounts = "".join(pages[1:])
    for name in (HOSTILE_MARKUP, HOSTILE_QUOTES, HOSTILE_DOLLARS):
        assert name[:28] in accounts, name  # the accounts table cuts long names
