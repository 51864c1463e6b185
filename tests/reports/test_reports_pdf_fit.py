"""PDF maps fill their page (issue 18): a wide territory or plan gets a low, page-wide map
and the figures and accounts move up, instead of a map frame that is mostly margin.

Read back as a user sees the page: word positions from ``pdftotext -bbox`` and the
territory's colour in the page rendered by ``pdftoppm``.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import numpy as np
from PIL import Image
from td_factories import build_grid_project
from td_programs import required_program

from territory_designer.core.project import Project
from territory_designer.reports import ExportOptions, export
from territory_designer.reports.pdf_layout import DEFAULT_LAYOUT


def _words(pdf: Path, page: int) -> tuple[list[tuple[str, float, float]], float, float]:
    """(word, x, y) of page ``page`` as fractions of its width and height from the top
    left, and the page's size in points."""
    res = subprocess.run(
        [required_program("pdftotext"), "-bbox", "-f", str(page), "-l", str(page), str(pdf),
         "-"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    size = re.search(r'<page width="([\d.]+)" height="([\d.]+)"', res.stdout)
    w, h = float(size.group(1)), float(size.group(2))
    words = [
        (m.group(5), float(m.group(1)) / w, float(m.group(2)) / h)
        for m in re.finditer(
            r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>',
            res.stdout,
        )
    ]
    return words, w, h


def _first(words: list[tuple[str, float, float]], text: str) -> tuple[float, float]:
    return next((x, y) for w, x, y in words if w == text)


def _page_png(pdf: Path, page: int, folder: Path) -> np.ndarray:
    stem = folder / f"page{page}"
    subprocess.run(
        [required_program("pdftoppm"), "-r", "50", "-png", "-f", str(page), "-l", str(page),
         "-singlefile", str(pdf), str(stem)],
        check=True,
    )  # fmt: skip
    return np.asarray(Image.open(f"{stem}.png").convert("RGB"), dtype=int)


def _wide_project() -> Project:
    """One territory over a strip of 2 x 8 squares: four times as wide as tall."""
    return build_grid_project(2, 8, ["A" * 8, "A" * 8])


def test_a_wide_territory_gets_a_low_page_wide_map(tmp_path: Path) -> None:
    project = _wide_project()
    out = export("pdf", project, tmp_path / "wide.pdf", ExportOptions(basemap=False))
    words, _, _ = _words(out, 2)  # the territory's page
    _, figures_top = _first(words, "Key")
    # Key figures start in the upper half (under a default map frame: 59 % down).
    assert figures_top < 0.45 < 1 - DEFAULT_LAYOUT.figures_box[1] - DEFAULT_LAYOUT.figures_box[3]
    # The territory fills the map: its colour spans the page's width and a good share of
    # the height above the figures (in the old frame: a thin band in a tall empty box).
    page = _page_png(out, 2, tmp_path)
    color = next(iter(project.plan.territories.values())).color
    rgb = np.array([int(color[k : k + 2], 16) for k in (1, 3, 5)])
    mask = np.abs(page - rgb).sum(axis=2) <= 12
    rows, cols = np.flatnonzero(mask.any(axis=1)), np.flatnonzero(mask.any(axis=0))
    height, width = page.shape[:2]
    assert (cols.max() - cols.min()) / width > 0.75
    assert (rows.max() - rows.min()) / height / figures_top > 0.3  # was 0.2


def test_a_wide_plan_gets_the_cover_s_whole_width(demo_project: Project, tmp_path: Path) -> None:
    # North Carolina is about three times as wide as tall: the map spans the page and the
    # plan figures go under it (beside a narrow map they sat at two thirds of the width).
    out = export("pdf", demo_project, tmp_path / "nc.pdf", ExportOptions(basemap=False))
    words, _, _ = _words(out, 1)
    heading = [(wx, wy) for w, wx, wy in words if w == "Plan" and wy > 0.2]
    assert heading, words[:20]
    x, y = heading[0]
    assert x < 0.2 and y > 0.3
    page = _page_png(out, 1, tmp_path)
    colors = [t.color for t in demo_project.plan.territories.values()]
    rgbs = np.array([[int(c[k : k + 2], 16) for k in (1, 3, 5)] for c in colors])
    mask = (np.abs(page[:, :, None, :] - rgbs[None, None]).sum(axis=3) <= 12).any(axis=2)
    mask[int(0.5 * page.shape[0]) :] = False  # the map, not the chart under it
    cols = np.flatnonzero(mask.any(axis=0))
    assert (cols.max() - cols.min()) / page.shape[1] > 0.75


def test_a_tall_territory_has_its_figures_beside_its_map(tmp_path: Path) -> None:
    # A strip 8 squares tall and 2 wide: the map is as tall as allowed, narrower than the
    # page, and the key figures sit to its right instead of under it.
    project = build_grid_project(8, 2, ["AA"] * 8)
    out = export("pdf", project, tmp_path / "tall.pdf", ExportOptions(basemap=False))
    words, _, _ = _words(out, 2)
    x, y = _first(words, "Key")
    assert x > 0.5 and y < 0.2
    # The account list's heading: under both, from the left margin.
    assert any(w == "Accounts" and x < 0.1 and y > 0.5 for w, x, y in words)


def test_continued_account_lists_fill_their_page(demo_project: Project, tmp_path: Path) -> None:
    out = export("pdf", demo_project, tmp_path / "nc.pdf", ExportOptions(basemap=False))
    words, _, _ = _words(out, 3)  # T01's list continued
    assert "(continued)" in " ".join(w for w, _, _ in words[:12])
    rows = [y for w, x, y in words if re.fullmatch(r"A\d{5}", w)]
    assert max(rows) > 0.85  # down to the footer (at 1.3 line heights a row: 0.72)


def test_lists_in_the_embedded_font_stay_above_the_footer(
    demo_project: Project, tmp_path: Path
) -> None:
    # Names outside Windows-1252 are drawn in DejaVu Sans Mono, whose lines matplotlib
    # spaces wider than Courier's: the rows of a page are counted for that font.
    table = demo_project.accounts.table
    table["name"] = [n.replace("a", "ł", 1) for n in table["name"]]
    out = export("pdf", demo_project, tmp_path / "pl.pdf", ExportOptions(basemap=False))
    words, _, _ = _words(out, 3)
    assert any("ł" in w for w, _, _ in words)
    rows = [y for w, x, y in words if re.fullmatch(r"A\d{5}", w)]
    assert len(rows) > 50 and max(rows) < 0.96  # the footer's line is at 0.98
