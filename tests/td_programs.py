"""External programs the end-to-end tests drive (headless Chromium, LibreOffice).

Where a program is missing the test is skipped on a developer's machine, but FAILS when
``CI`` is set (GitHub, GitLab and ``.ci/run`` set it): CI installs these programs, so a
missing one there is a broken install to notice, not a test to skip quietly.
"""

from __future__ import annotations

import os
import shutil

import pytest


def in_ci() -> bool:
    """True when running under continuous integration (``CI`` set and not false)."""
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def required_program(*names: str) -> str:
    """The path of the first of ``names`` on PATH; skip (fail under CI) when none is."""
    for name in names:
        found = shutil.which(name)
        if found:
            return found
    message = f"{' / '.join(names)} not installed"
    if in_ci():
        pytest.fail(f"{message}: .ci/run installs it, so the CI image is broken", pytrace=False)
    pytest.skip(message)
