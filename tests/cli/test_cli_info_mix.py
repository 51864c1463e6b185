"""``info`` on a plan built on a weighted mix shows each territory's share of the mix.

Before: the column was headed ``accounts=0.5,r`` (the mix key cut short) and every one of
the eight territories read ``0.1``, so the table said nothing about the balance it reports.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from territory_designer.cli import main


def test_info_shows_the_mix_share_of_each_territory(
    demo_project_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = tmp_path / "demo.tdproj"
    shutil.copy(demo_project_file, project)
    argv = ["build", str(project), "-k", "8", "--weights", "accounts=0.5,revenue=0.5"]
    assert main([*argv, "--plan", "Mix"]) == 0
    capsys.readouterr()
    assert main(["info", str(project)]) == 0
    lines = capsys.readouterr().out.splitlines()
    header = next(line for line in lines if line.strip().startswith("id "))
    assert "mix share %" in header and "accounts=0.5" not in header
    rows = [line.split() for line in lines[lines.index(header) + 1 :]]
    shares = [float(row[-4]) for row in rows]
    assert len(shares) == 8
    assert sum(shares) == pytest.approx(100.0, abs=0.1)  # the shares of the whole mix
    assert all(10.0 < s < 15.0 for s in shares)  # about 1/8 each, within the tolerance
    assert len(set(shares)) > 1  # distinct figures, not one rounded 0.1
