"""The HTML map says what it is: project title, plan and date, in the tab and over the map."""

from __future__ import annotations

import datetime as dt
import html
import re
from pathlib import Path

from territory_designer.core.project import Project
from territory_designer.reports import ExportOptions, export


def test_page_title_and_heading_name_project_plan_and_date(demo_project: Project, tmp_path):
    demo_project.settings["title"] = "NC Field Sales <2026>"
    out = export("html", demo_project, tmp_path / "map.html")
    page = out.read_text(encoding="utf-8")
    want = f"NC Field Sales <2026> · plan Working draft · {dt.date.today().isoformat()}"
    (title,) = re.findall(r"<title>(.*?)</title>", page, re.S)
    assert html.unescape(title.strip()) == want  # was "Territory plan Working draft"
    heading = re.search(r'<div class="td-title">(.*?)</div>', page, re.S)
    assert heading and html.unescape(heading.group(1)) == want
    assert "<2026>" not in page  # the user's text is escaped


def test_report_title_option_wins(demo_project: Project, tmp_path: Path):
    out = export("html", demo_project, tmp_path / "map.html", ExportOptions(title="East region"))
    assert "<title>East region · plan Working draft" in out.read_text(encoding="utf-8")
