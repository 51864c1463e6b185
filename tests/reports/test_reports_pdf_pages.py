"""The PDF report and rep handouts (issue 18), read back with pdftotext and as pixels.

The demo project: real North Carolina counties (libpysal ``sids2``) with 1,480 accounts at
real NC ZIP centroids, about 185 per territory, so every account list runs over pages.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
from pdf_reading import fonts_by_page
from td_programs import required_program

from territory_designer.cli import main
from territory_designer.core.account_territories import account_codes
from territory_designer.core.project import Project
from territory_designer.reports import ExportOptions, export


def pdf_text(pdf: Path, first: int | None = None, last: int | None = None) -> str:
    """The text of ``pdf`` (pages ``first``..``last``), pages separated by form feeds."""
    exe = required_program("pdftotext")
    pages = [] if first is None else ["-f", str(first), "-l", str(last or first)]
    res = subprocess.run(
        [exe, "-layout", *pages, str(pdf), "-"], capture_output=True, text=True, check=True
    )
    return res.stdout


def _ids_by_territory(project: Project) -> dict[str, set[str]]:
    plan = project.plan
    codes = account_codes(project, plan)
    ids = project.accounts.table["account_id"].astype(str).to_numpy()
    out: dict[str, set[str]] = {}
    for i, c in zip(ids, codes, strict=True):
        out.setdefault(plan.territories[int(c)].id, set()).add(i)
    return out


@pytest.fixture(scope="module")
def demo_pdf(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Project]:
    from territory_designer.io.demo import build_demo_project

    project = build_demo_project()
    project.settings["title"] = "NC Field Sales 2026"
    out = export("pdf", project, tmp_path_factory.mktemp("pdf") / "plan.pdf")
    return out, project


def test_every_account_is_listed_once_under_its_territory(demo_pdf):
    pdf, project = demo_pdf
    pages = pdf_text(pdf).split("\f")
    by_territory = _ids_by_territory(project)
    seen: dict[str, str] = {}
    for page in pages[1:]:
        head = page.strip().splitlines()[0] if page.strip() else ""
        territory = head.split()[0] if head else ""
        for word in page.split():
            if word.startswith("A0") and word[1:].isdigit():
                assert word not in seen, f"{word} listed twice"
                seen[word] = territory
    assert set(seen) == set().union(*by_territory.values())  # was the largest 25 only
    for tid, ids in by_territory.items():
        assert {a for a, t in seen.items() if t == tid} == ids


def test_lists_continue_with_the_fields_that_matter(demo_pdf):
    pdf, project = demo_pdf
    text = pdf_text(pdf)
    assert "(continued)" in text
    first_territory = pdf_text(pdf, 2)
    for heading in ("Account", "Name", "City", "Segment", "Revenue", "Visits per year"):
        assert heading in first_territory
    n_territories = len(project.plan.territories)
    assert text.count("\f") > 1 + n_territories  # more pages than one per territory


def test_footer_names_the_project_title_not_the_file(demo_project_file: Path, tmp_path: Path):
    project = tmp_path / "zz_copy_of_file.tdproj"
    shutil.copy(demo_project_file, project)
    out = tmp_path / "plan.pdf"
    assert main(["export", str(project), "--pdf", str(out)]) == 0
    text = pdf_text(out)
    assert "zz_copy_of_file" not in text  # was the footer
    assert "Territory plan · plan Working draft" in text
    titled = tmp_path / "titled.pdf"
    assert main(["export", str(project), "--pdf", str(titled), "--title", "East & West"]) == 0
    assert "East & West · plan Working draft" in pdf_text(titled, 2)


def test_neighbours_are_greyed_on_a_territory_page(demo_pdf, tmp_path: Path):
    from PIL import Image

    pdf, project = demo_pdf
    exe = required_program("pdftoppm")
    subprocess.run(
        [exe, "-r", "40", "-f", "2", "-l", "2", "-png", str(pdf), str(tmp_path / "p")], check=True
    )
    (png,) = tmp_path.glob("p*.png")
    rgb = np.asarray(Image.open(png).convert("RGB")).astype(int)
    h = rgb.shape[0]
    map_area = rgb[int(0.1 * h) : int(0.53 * h)]  # the map frame of the page
    own = project.plan.territories[min(project.plan.territories)].color  # page 2: T01
    own_rgb = np.array([int(own[i : i + 2], 16) for i in (1, 3, 5)])
    pixels = map_area.reshape(-1, 3)
    grey = np.ptp(pixels, axis=1) <= 12
    near_own = np.abs(pixels - own_rgb).max(axis=1) <= 40
    # Anything neither grey nor the territory's own colour is a neighbour drawn in colour
    # (or the anti-aliased rim of the territory): 40 % of the map with tinted neighbours.
    assert np.mean(~grey & ~near_own) < 0.05


def test_pdf_per_territory_writes_one_handout_each(demo_project_file: Path, tmp_path: Path):
    from territory_designer.io.project_file import load_project

    project = tmp_path / "p.tdproj"
    shutil.copy(demo_project_file, project)
    folder = tmp_path / "handouts"
    assert main(["export", str(project), "--pdf-per-territory", str(folder)]) == 0
    loaded = load_project(project)
    territories = sorted(loaded.plan.territories.values(), key=lambda t: t.id)
    names = sorted(p.name for p in folder.iterdir())
    assert names == sorted(f"{t.id} {t.name}.pdf" for t in territories)
    by_territory = _ids_by_territory(loaded)
    for t in territories:
        text = pdf_text(folder / f"{t.id} {t.name}.pdf")
        listed = {w for w in text.split() if w.startswith("A0") and w[1:].isdigit()}
        assert listed == by_territory[t.id]  # all of this rep's accounts, no one else's
        assert "page 1 of" in text and "Plan figures" not in text  # no plan cover
    assert not any(p.name.startswith(".") for p in tmp_path.iterdir())  # staging removed


def test_pdf_per_territory_cancel_leaves_nothing(grid_plan: Project, tmp_path: Path):
    from territory_designer.core.errors import CanceledError
    from territory_designer.core.feedback import Feedback

    class CancelAt(Feedback):
        def on_progress(self, percent: float, message: str) -> None:
            if percent > 10:
                self.cancel()

    with pytest.raises(CanceledError):
        export("pdf-per-territory", grid_plan, tmp_path / "out", ExportOptions(), CancelAt())
    assert list(tmp_path.iterdir()) == []


def test_names_outside_the_core_fonts_print_as_typed(demo_project: Project, tmp_path: Path):
    # Latin text goes in the fast PDF core fonts; a text they cannot hold is drawn in the
    # embedded DejaVu fonts rather than printing "?" — that text only, so one Polish
    # territory name leaves the other pages in the fast core fonts.
    fonts = required_program("pdffonts")
    latin = export("pdf", demo_project, tmp_path / "latin.pdf")
    listing = subprocess.run([fonts, str(latin)], capture_output=True, text=True).stdout
    assert "Helvetica" in listing and "Courier" in listing
    first = min(demo_project.plan.territories)
    demo_project.plan.territories[first].name = "Łódź Północ"
    table = demo_project.accounts.table
    table.loc[table.index[0], "name"] = "Αθήνα Store"
    out = export("pdf", demo_project, tmp_path / "unicode.pdf")
    text = pdf_text(out)
    assert "Łódź Północ" in text and "Αθήνα Store" in text
    listing = subprocess.run([fonts, str(out)], capture_output=True, text=True).stdout
    assert "DejaVu" in listing
    by_page = fonts_by_page(out)
    # The renamed territory's pages embed DejaVu for its name; every other page keeps
    # to the core fonts (the account lists in Courier).
    plain = [fonts for fonts in by_page if not any("DejaVu" in f for f in fonts)]
    assert len(plain) >= len(by_page) - 8
    assert all("Courier" in fonts for fonts in plain[1:])


def test_cover_lists_every_territory_with_its_rep(demo_project_file: Path, tmp_path: Path):
    from territory_designer.io.project_file import load_project

    project = tmp_path / "k40.tdproj"
    shutil.copy(demo_project_file, project)
    assert main(["build", str(project), "-k", "40", "--seed", "1"]) == 0
    out = tmp_path / "k40.pdf"
    assert main(["export", str(project), "--pdf", str(out)]) == 0
    cover = pdf_text(out, 1)
    assert "Territories (40)" in cover and "Plan figures" in cover
    lines = cover.splitlines()
    for t in load_project(project).plan.territories.values():
        # Its row: id and name, rep, figures and deviation (was: a legend of 30 names).
        row = [ln for ln in lines if re.search(rf"\b{t.id} {re.escape(t.name[:10])}", ln)]
        assert row, t.id
        assert t.owner in row[0] and re.search(r"[+-]\d+\.\d%", row[0])


def test_cover_figures_read_in_full(demo_pdf):
    """The cover's figure labels have room to be read whole (they were cut at 30
    characters: "Compactness (mean Polsby-Popp…", "Accounts moved vs Baseline 20…"), and a
    label is never cut bare ("… Baseline 202" read as a count of 202)."""
    pdf, _project = demo_pdf
    cover = pdf_text(pdf, 1)
    assert "Baseline 202 " not in cover and not re.search(r"Baseline 202\s*$", cover, re.M)
    assert "Accounts moved vs Baseline 2026" in cover
    assert "Compactness (mean Polsby-Popper)" in cover
    assert "Compactness (min Polsby-Popper)" in cover
