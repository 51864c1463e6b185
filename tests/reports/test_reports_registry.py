"""The registry, targets and atomic writes: a failed or cancelled export leaves nothing."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from territory_designer.core.errors import CanceledError
from territory_designer.core.feedback import Feedback
from territory_designer.core.project import Project
from territory_designer.reports import ExportError, ExportOptions, export, exporters
from territory_designer.reports.registry import format_labels

FILES = {
    "excel": "out.xlsx",
    "pdf": "out.pdf",
    "pdf-per-territory": "out_pdfs",
    "html": "out.html",
    "gpkg": "out.gpkg",
    "geojson": "out.geojson",
    "assignments": "out.csv",
    "account-assignments": "accounts.csv",
    "shp": "out_shp",
    "proposal": "out_proposals",
}


class CancelAfter(Feedback):
    """Cancels itself after ``n`` progress reports (mid-export)."""

    def __init__(self, n: int) -> None:
        super().__init__()
        self.n = n

    def on_progress(self, percent: float, message: str) -> None:
        self.n -= 1
        if self.n <= 0:
            self.cancel()


def test_every_format_is_registered() -> None:
    assert set(exporters()) == set(FILES)
    assert exporters()["excel"].suffixes == (".xlsx",)
    assert exporters()["shp"].is_folder


def test_format_labels_match_the_registered_exporters() -> None:
    # The registry fills in import order, which other tests change: compare as mappings.
    listed = format_labels()
    assert len(listed) == len(dict(listed))
    assert dict(listed) == {name: ex.label for name, ex in exporters().items()}


def test_listing_the_formats_imports_no_exporter_module() -> None:
    code = (
        "import sys; from territory_designer.reports.registry import format_labels;"
        "assert len(format_labels()) == 10;"
        "loaded = [m for m in sys.modules if m.startswith('territory_designer.reports.')];"
        "assert loaded == ['territory_designer.reports.registry'], loaded"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=Path(__file__).parents[2])


@pytest.mark.parametrize("kind", sorted(FILES))
def test_cancel_leaves_no_file(grid_plan: Project, tmp_path: Path, kind: str) -> None:
    with pytest.raises(CanceledError):
        export(kind, grid_plan, tmp_path / FILES[kind], feedback=CancelAfter(2))
    assert list(tmp_path.iterdir()) == []


def test_failure_keeps_the_previous_file(
    grid_plan: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "out.xlsx"
    target.write_bytes(b"previous report")

    def boom(*args: object, **kwargs: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr("openpyxl.workbook.workbook.Workbook.save", boom)
    with pytest.raises(ExportError, match="disk full"):
        export("excel", grid_plan, target)
    assert target.read_bytes() == b"previous report"
    assert [p.name for p in tmp_path.iterdir()] == ["out.xlsx"]


@pytest.mark.parametrize(
    ("kind", "name", "message"),
    [
        ("excel", "out.csv", "must end in .xlsx"),
        ("nope", "out.x", "Unknown export format"),
        ("pdf", "missing/out.pdf", "does not exist"),
    ],
)
def test_bad_targets(grid_plan: Project, tmp_path: Path, kind: str, name: str, message: str):
    with pytest.raises(ExportError, match=message):
        export(kind, grid_plan, tmp_path / name)


def test_bad_options(grid_plan: Project, tmp_path: Path) -> None:
    with pytest.raises(ExportError, match="paper"):
        ExportOptions(paper="a3")
    with pytest.raises(ExportError, match="No plan named"):
        export("excel", grid_plan, tmp_path / "x.xlsx", ExportOptions(plan="Nope"))


def test_reports_do_not_import_qt() -> None:
    code = (
        "import sys, territory_designer.reports as r; r.exporters(); "
        "assert not [m for m in sys.modules if m.startswith('PySide6')]"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=Path(__file__).parents[2])
