"""Output piped into a reader that stops early (``main.py info P | head -1``).

The listing is made longer than a pipe's buffer (64 KiB) so the command is still writing
when ``head`` has gone: before the fix every such run ended with a BrokenPipeError line
("internal error", status 3) on stderr.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from td_factories import build_grid_project

from territory_designer.io.project_file import save_project

ROOT = Path(__file__).resolve().parents[2]
SIGPIPE_STATUS = 141  # 128 + SIGPIPE, what other tools report when their reader left


@pytest.fixture(scope="module")
def many_territories(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 30 x 30 grid with one territory per unit: 900 lines of ``info``."""
    path = tmp_path_factory.mktemp("pipes") / "many.tdproj"
    save_project(build_grid_project(30, 30, np.arange(900)), path)
    return path


@pytest.mark.parametrize("extra", [[], ["--json"]], ids=["text", "json"])
def test_info_into_head_prints_no_error(many_territories: Path, extra: list[str]) -> None:
    cli = subprocess.Popen(
        [sys.executable, str(ROOT / "main.py"), "info", str(many_territories), *extra],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    head = subprocess.Popen(["head", "-1"], stdin=cli.stdout, stdout=subprocess.PIPE)
    assert cli.stdout is not None and cli.stderr is not None
    cli.stdout.close()  # only head reads the listing now
    first_line, _ = head.communicate(timeout=120)
    stderr = cli.stderr.read().decode()
    cli.stderr.close()
    status = cli.wait(timeout=120)
    assert first_line.decode().strip() in (str(many_territories), "{")
    assert stderr == ""
    assert status == SIGPIPE_STATUS


def test_info_read_to_the_end_still_exits_0(many_territories: Path) -> None:
    res = subprocess.run(
        [sys.executable, str(ROOT / "main.py"), "info", str(many_territories)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert res.returncode == 0 and res.stderr == ""
    assert res.stdout.count("\n") == 5 + 900
