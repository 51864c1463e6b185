"""The Excel chart's mean line survives LibreOffice (issue 18).

An earlier line drawn as an XY series over horizontal bars was silently dropped when
LibreOffice opened the workbook. Here the workbook is converted by LibreOffice twice —
as written, and with its line series taken out of the chart XML — and the two first pages
are compared as pixels: what differs is the line, a thin band across the chart.
"""

from __future__ import annotations

import re
import subprocess
import zipfile
from pathlib import Path

import numpy as np
from PIL import Image
from td_programs import required_program

from territory_designer.core.project import Project
from territory_designer.reports import export


def _first_page_png(xlsx: Path, folder: Path) -> np.ndarray:
    office = required_program("libreoffice", "soffice")
    res = subprocess.run(
        [office, f"-env:UserInstallation=file://{folder / 'lo-profile'}", "--headless",
         "--norestore", "--convert-to", "pdf", "--outdir", str(folder), str(xlsx)],
        capture_output=True, text=True, timeout=240,
    )  # fmt: skip
    pdf = folder / f"{xlsx.stem}.pdf"
    assert res.returncode == 0 and pdf.exists(), res.stderr
    stem = folder / xlsx.stem
    subprocess.run(
        [required_program("pdftoppm"), "-r", "100", "-png", "-f", "1", "-l", "1", "-singlefile",
         str(pdf), str(stem)],
        check=True, timeout=120,
    )  # fmt: skip
    return np.asarray(Image.open(f"{stem}.png").convert("L"), dtype=int)


def _without_line(xlsx: Path, out: Path) -> Path:
    """A copy of ``xlsx`` whose charts have no line series."""
    with zipfile.ZipFile(xlsx) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename.startswith("xl/charts/chart"):
                data = re.sub(rb"<lineChart>.*?</lineChart>", b"", data, flags=re.S)
            dst.writestr(item, data)
    return out


def test_libreoffice_draws_the_mean_line(demo_project: Project, tmp_path: Path) -> None:
    xlsx = export("excel", demo_project, tmp_path / "with_line.xlsx")
    bare = _without_line(xlsx, tmp_path / "no_line.xlsx")
    with_line = _first_page_png(xlsx, tmp_path)
    no_line = _first_page_png(bare, tmp_path)
    assert with_line.shape == no_line.shape
    changed = np.abs(with_line - no_line) > 60
    rows = np.flatnonzero(changed.any(axis=1))
    assert rows.size, "LibreOffice drew no line: both pages are the same"
    # One thin horizontal band (the line), darker than what it crosses...
    assert rows.max() - rows.min() <= 4
    band = changed[rows.min() : rows.max() + 1].any(axis=0)
    cols = np.flatnonzero(band)
    assert (with_line[changed] < no_line[changed]).mean() > 0.9
    # ...dashed, across the eight territories' columns: the chart is about 16 cm of a
    # summary about 37 cm wide, fitted to one landscape page.
    assert (cols.max() - cols.min()) / with_line.shape[1] > 0.15
    assert 0.3 < band[cols.min() : cols.max() + 1].mean() < 0.95
