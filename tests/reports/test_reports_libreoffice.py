"""The Excel report opens in LibreOffice: converted headless to PDF, every sheet printed.

A workbook LibreOffice cannot read (the "repair" case) fails to convert or comes out
empty. Skipped where LibreOffice is not installed (it is a 300 MB tool, not a test
dependency), except under CI, where ``.ci/run`` installs it and a missing one fails;
``bench/bench_reports.py --libreoffice`` writes PNG pages to look at.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from td_programs import required_program

from territory_designer.core.project import Project
from territory_designer.reports import export


def test_excel_report_converts_in_libreoffice(demo_project: Project, tmp_path: Path) -> None:
    office = required_program("libreoffice", "soffice")
    xlsx = export("excel", demo_project, tmp_path / "report.xlsx")
    profile = tmp_path / "lo-profile"
    res = subprocess.run(
        [office, f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
         "--convert-to", "pdf", "--outdir", str(tmp_path), str(xlsx)],
        capture_output=True, text=True, timeout=240,
    )  # fmt: skip
    pdf = tmp_path / "report.pdf"
    assert res.returncode == 0 and pdf.exists(), res.stderr
    pages = len(re.findall(rb"/Type\s*/Page\b", pdf.read_bytes()))
    # Summary, Territories, Units (100 rows), Accounts (~1,500 rows), Changes: many pages.
    assert pages >= 5
