"""Helpers the CLI tests import (``tests/cli`` is on ``sys.path`` while they run)."""

from __future__ import annotations

import pytest

from territory_designer.cli import main


def run(capsys: pytest.CaptureFixture[str], *argv: object) -> tuple[int, str, str]:
    """Run the command line in-process: (exit code, stdout, stderr); argv may hold paths."""
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err
