""".ci/run on a bare image: installs the programs the end-to-end tests drive, then runs
the tests with CI set, so a program that is still missing fails those tests.

apt-get, id, ldconfig and python are small fakes on a PATH of their own (nothing is
installed); bash, grep, find and dirname are the real ones.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

CI_RUN = Path(__file__).resolve().parents[1] / ".ci" / "run"
LIBS = "libEGL.so.1 libGL.so.1 libfontconfig.so.1 libfreetype.so.6 libxkbcommon.so.0 "
LIBS += "libdbus-1.so.3 libglib-2.0.so.0 libX11.so.6"

pytestmark = pytest.mark.skipif(os.name == "nt", reason="a bash script for Linux CI")


def _fake(folder: Path, name: str, body: str) -> None:
    path = folder / name
    path.write_text("#!/bin/bash\n" + body + "\n")
    path.chmod(0o755)


def _run(  # noqa: ANN202
    tmp_path: Path,
    present: tuple[str, ...],
    apt_status: int = 0,
    args: tuple[str, ...] = ("-k", "nothing"),
    python_status: int = 0,
    skip_build: bool = False,
):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in ("grep", "find", "dirname"):
        (bin_dir / tool).symlink_to(shutil.which(tool))
    log = tmp_path / "log"
    _fake(bin_dir, "id", "echo 0")  # root
    _fake(bin_dir, "ldconfig", f'for l in {LIBS}; do echo "$l (libc6) => /lib/$l"; done')
    _fake(bin_dir, "apt-get", f'echo "apt-get $*" >> {log}; exit {apt_status}')
    _fake(
        bin_dir,
        "python3",
        f'[ "$1" = "-c" ] && exit 0; echo "tests CI=$CI $*" >> {log}; exit {python_status}',
    )
    for program in present:
        _fake(bin_dir, program, "exit 0")
    env = {"PATH": str(bin_dir), "HOME": str(tmp_path)}
    if skip_build:
        env["TD_CI_SKIP_BUILD"] = "1"
    done = subprocess.run(
        [shutil.which("bash"), str(CI_RUN), *args],
        capture_output=True, text=True, timeout=60, env=env, check=False,
    )  # fmt: skip
    lines = log.read_text().splitlines() if log.exists() else []
    return done, lines


def test_installs_only_the_missing_programs_then_runs_the_tests_with_ci_set(tmp_path) -> None:
    done, lines = _run(tmp_path, present=("pdftotext",))
    assert done.returncode == 0, done.stderr
    installs = [line for line in lines if " install " in line]
    assert len(installs) == 1
    assert "--no-install-recommends" in installs[0]
    assert installs[0].endswith("chromium libreoffice-calc")
    assert lines[-1] == "tests CI=true installer/dev.py test -k nothing"


def test_nothing_to_install_means_no_apt_get(tmp_path) -> None:
    done, lines = _run(tmp_path, present=("chromium", "soffice", "pdftotext"))
    assert done.returncode == 0, done.stderr
    assert not [line for line in lines if line.startswith("apt-get")]
    assert lines == ["tests CI=true installer/dev.py test -k nothing"]


def test_a_failed_install_still_runs_the_tests_and_says_so(tmp_path) -> None:
    done, lines = _run(tmp_path, present=(), apt_status=100)
    assert done.returncode == 0
    assert "could not install chromium libreoffice-calc poppler-utils" in done.stderr
    assert lines[-1].startswith("tests CI=true")


def test_a_full_green_run_builds_the_app_and_checks_it_offline(tmp_path) -> None:
    done, lines = _run(tmp_path, present=("chromium", "soffice", "pdftotext"), args=())
    assert done.returncode == 0, done.stderr
    assert lines == [
        "tests CI=true installer/dev.py test",
        "tests CI=true installer/dev.py build --no-archive",
        "tests CI=true installer/dev.py check",
    ]


def test_red_tests_skip_the_build_and_fail(tmp_path) -> None:
    done, lines = _run(
        tmp_path, present=("chromium", "soffice", "pdftotext"), args=(), python_status=1
    )
    assert done.returncode == 1
    assert lines == ["tests CI=true installer/dev.py test"]
    assert "tests failed" in done.stderr


def test_td_ci_skip_build_skips_the_build(tmp_path) -> None:
    done, lines = _run(
        tmp_path, present=("chromium", "soffice", "pdftotext"), args=(), skip_build=True
    )
    assert done.returncode == 0, done.stderr
    assert lines == ["tests CI=true installer/dev.py test"]
