"""Qt stays in territory_designer/ui (and app.py): core, io, balance and reports run headless."""

from __future__ import annotations

import ast
import json
import pkgutil
import subprocess
import sys
from pathlib import Path

import territory_designer

PACKAGE_DIR = Path(territory_designer.__file__).resolve().parent
REPO_ROOT = PACKAGE_DIR.parent
HEADLESS_PACKAGES = ("core", "io", "balance", "reports")
QT_ROOTS = ("PySide6", "PyQt5", "PyQt6", "PySide2", "shiboken6", "qtpy")


def _modules_of(subpackage: str) -> list[str]:
    base = f"territory_designer.{subpackage}"
    path = [str(PACKAGE_DIR / subpackage)]
    return [base] + [m.name for m in pkgutil.walk_packages(path, prefix=f"{base}.")]


def test_importing_headless_layers_loads_no_qt() -> None:
    modules = ["territory_designer"]
    for sub in HEADLESS_PACKAGES:
        modules += _modules_of(sub)
    assert "territory_designer.core.project" in modules
    assert "territory_designer.io.project_file" in modules
    script = (
        "import importlib, json, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        f"qt = sorted(m for m in sys.modules if m.split('.')[0] in {QT_ROOTS!r})\n"
        "print(json.dumps(qt))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        cwd=REPO_ROOT,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    loaded = json.loads(result.stdout.strip().splitlines()[-1])
    assert loaded == [], f"importing core/io/balance/reports loaded Qt modules: {loaded}"


def _qt_imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name | ast.Attribute)
            and getattr(node.func, "id", getattr(node.func, "attr", "")) == "import_module"
            and node.args
            and isinstance(node.args[0], ast.Constant)
        ):
            names = [str(node.args[0].value)]
        found += [f"{path.name}:{node.lineno} {n}" for n in names if n.split(".")[0] in QT_ROOTS]
    return found


def test_no_qt_import_outside_ui() -> None:
    allowed = {PACKAGE_DIR / "app.py"}
    offenders = []
    checked = 0
    for path in sorted(PACKAGE_DIR.rglob("*.py")):
        if (PACKAGE_DIR / "ui") in path.parents or path in allowed:
            continue
        checked += 1
        offenders += [f"{path.relative_to(REPO_ROOT)}: {hit}" for hit in _qt_imports(path)]
    assert checked >= 10
    assert offenders == [], "Qt imported outside territory_designer/ui and app.py:\n" + "\n".join(
        offenders
    )


def test_static_check_sees_qt_imports(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text(
        "import os\nfrom PySide6.QtCore import QObject\nimport importlib\n"
        "importlib.import_module('PySide6.QtGui')\ndef f():\n    import shiboken6\n"
    )
    hits = _qt_imports(sample)
    assert [h.split(" ", 1)[1] for h in hits] == ["PySide6.QtCore", "PySide6.QtGui", "shiboken6"]
