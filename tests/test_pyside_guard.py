"""PySide6 6.12.0 on Python 3.11 aborts the interpreter (``none_dealloc``) after a few
thousand calls of Qt methods that return None (DESIGN.md). Keep it out, and keep a test
that would crash on it."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from importlib.metadata import PackageNotFoundError, version

import pytest

CALLS = 200_000


def _installed(dist: str) -> str | None:
    try:
        return version(dist)
    except PackageNotFoundError:
        return None


def test_pyside6_is_not_the_crashing_release() -> None:
    found = {d: _installed(d) for d in ("PySide6-Essentials", "PySide6", "shiboken6")}
    assert any(found.values()), "PySide6 is not installed"
    if sys.version_info[:2] == (3, 11):
        bad = {d: v for d, v in found.items() if v and v.startswith("6.12.0")}
        assert not bad, f"{bad}: PySide6 6.12.0 aborts Python 3.11 (none_dealloc); pin <6.12"


def test_many_none_returning_qt_calls_do_not_crash() -> None:
    script = textwrap.dedent(
        f"""
        from PySide6.QtGui import QColor, QPainterPath
        path = QPainterPath()
        color = QColor(10, 20, 30)
        for k in range({CALLS} // 2):
            path.moveTo(float(k % 100), 1.0)   # returns None
            color.setRed(k % 256)              # returns None
        print("ok")
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    if result.returncode != 0:
        pytest.fail(
            f"{CALLS} None-returning Qt calls ended with exit code {result.returncode} "
            f"(PySide6 none_dealloc bug?)\n{result.stderr[-2000:]}"
        )
    assert result.stdout.strip().endswith("ok")
