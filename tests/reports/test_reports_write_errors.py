"""Exports the operating system refuses, and plans with nothing to export.

A folder that cannot be written (here: a "folder" that is really a file, since the tests
run as root and chmod does not stop root) and a full disk (``ENOSPC`` raised by the OS
call that flushes the file) must give one line naming the target and exit status 2,
leaving any previous file as it was; a plan with no territories is refused the same way.
"""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest
from td_factories import build_grid_project

from territory_designer.cli import main
from territory_designer.core.project import Project
from territory_designer.io.project_file import save_project
from territory_designer.reports import ExportError, export

FILES = {
    "excel": "out.xlsx",
    "pdf": "out.pdf",
    "html": "out.html",
    "gpkg": "out.gpkg",
    "geojson": "out.geojson",
    "assignments": "out.csv",
    "shp": "out_shp",
}


@pytest.fixture
def grid_file(grid_plan: Project, tmp_path: Path) -> Path:
    path = tmp_path / "grid.tdproj"
    save_project(grid_plan, path)
    return path


@pytest.mark.parametrize("kind", sorted(FILES))
def test_folder_that_is_a_file_gives_one_line_and_status_2(
    capsys: pytest.CaptureFixture[str], grid_file: Path, tmp_path: Path, kind: str
) -> None:
    not_a_folder = tmp_path / "reports"
    not_a_folder.write_text("a file where a folder was")
    target = not_a_folder / FILES[kind]
    code = main(["export", str(grid_file), f"--{kind}", str(target)])
    out, err = capsys.readouterr()
    assert code == 2, err
    assert err.count("\n") == 1 and err.startswith("error: Cannot write")
    assert str(target) in err and "Not a directory" in err
    assert not_a_folder.read_text() == "a file where a folder was"


def test_full_disk_keeps_the_previous_report(
    capsys: pytest.CaptureFixture[str],
    grid_file: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    target = tmp_path / "report.xlsx"
    target.write_bytes(b"last week's report")

    def no_space(fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fsync", no_space)
    code = main(["export", str(grid_file), "--excel", str(target)])
    out, err = capsys.readouterr()
    assert code == 2, err
    assert err == f"error: Cannot write Excel workbook to {target}: No space left on device.\n"
    assert target.read_bytes() == b"last week's report"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["grid.tdproj", "report.xlsx"]


@pytest.mark.parametrize("kind", sorted(FILES))
def test_plan_with_no_territories_is_refused_clearly(tmp_path: Path, kind: str) -> None:
    project = build_grid_project(3, 3, ["...", "...", "..."])
    assert not project.plan.territories
    with pytest.raises(ExportError, match="has no territories yet"):
        export(kind, project, tmp_path / FILES[kind])
    assert list(tmp_path.iterdir()) == []


def test_cli_export_of_a_plan_with_no_territories_is_one_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "empty.tdproj"
    save_project(build_grid_project(3, 3, ["...", "...", "..."]), path)
    code = main(["export", str(path), "--excel", str(tmp_path / "r.xlsx"), "--pdf", "r.pdf"])
    out, err = capsys.readouterr()
    assert code == 2
    assert err.count("\n") == 1 and "plan 'Plan 1' has no territories yet" in err
    assert "r.xlsx" in err and not (tmp_path / "r.xlsx").exists()
