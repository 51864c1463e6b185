"""``main.py --selftest``: prove an installed copy works, end to end, offscreen.

It opens the bundled demo in the real main window, paints a few units (one undo step,
undone and redone), imports a small customer workbook located by ZIP code, cuts the
offline basemap, runs a small build, saves, reopens the saved file and writes every
export format to a temporary folder. Each step prints one line; the exit status is 0
only if every step worked. Nothing outside a temporary folder is touched: settings,
caches and autosaves are redirected there, and nothing needs the network.

The build check (``installer/check_build.py``) runs it from the frozen application in a
clean environment; developers can run ``python main.py --selftest`` too.
"""

from __future__ import annotations

import os
import socket
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from territory_designer.core.network import is_loopback_host

if TYPE_CHECKING:
    from territory_designer.core.project import Project
    from territory_designer.ui.main_window import MainWindow

#: Accounts of the test workbook: (id, name, ZIP, revenue). Real North Carolina ZIPs.
WORKBOOK_ROWS = (
    ("S-1", "Raleigh Clinic", "27601", 1200.0),
    ("S-2", "Charlotte Pharmacy", "28202", 800.0),
    ("S-3", "Asheville Hospital", "28801", 2500.0),
    ("S-4", "Wilmington Store", "28401", 430.0),
)


class NetworkWatch:
    """Refuses and records every attempt to reach a host other than this machine.

    A Python audit hook (``socket.connect`` and ``socket.getaddrinfo`` events) is installed
    once per process and acts only while :attr:`active`; the self-test fails if anything
    was attempted, even where the build check cannot switch the network off itself.
    """

    active = False
    attempts: ClassVar[list[str]] = []
    _installed = False

    @classmethod
    def start(cls) -> None:
        """Begin refusing and recording (installs the hook on first use)."""
        if not cls._installed:
            sys.addaudithook(cls._audit)
            cls._installed = True
        cls.attempts = []
        cls.active = True

    @classmethod
    def stop(cls) -> list[str]:
        """Stop; return what was attempted."""
        cls.active = False
        return list(cls.attempts)

    @classmethod
    def _audit(cls, event: str, args: tuple) -> None:
        if not cls.active:
            return
        if event == "socket.getaddrinfo":
            host = args[0]
        elif event == "socket.connect":
            sock, address = args
            if sock.family not in (socket.AF_INET, socket.AF_INET6):
                return
            host = address[0] if isinstance(address, tuple) and address else None
        else:
            return
        if is_loopback_host(host):
            return
        cls.attempts.append(f"{event}({host!r})")
        raise ConnectionRefusedError(f"the self-test allows no network access ({host!r})")


class SelftestError(RuntimeError):
    """A self-test step found the application not working."""


@dataclass
class SelftestRun:
    """The state shared by the steps and what each of them reported."""

    folder: Path
    out: Callable[[str], None] = print
    window: MainWindow | None = None
    reopened: Project | None = None
    failures: list[str] = field(default_factory=list)

    @property
    def project(self) -> Project:
        """The window's open project."""
        assert self.window is not None
        return self.window.session.project


def _check(condition: bool, message: str) -> None:
    if not condition:
        raise SelftestError(message)


def _isolate(folder: Path) -> None:
    """Point settings, caches and autosaves into ``folder``; force the offscreen platform."""
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    for name, sub in (
        ("TD_SETTINGS_DIR", "settings"),
        ("TD_CACHE_DIR", "cache"),
        ("TD_RECOVERY_DIR", "recovery"),
    ):
        path = folder / sub
        path.mkdir(parents=True, exist_ok=True)
        os.environ[name] = str(path)


def step_open_demo(run: SelftestRun) -> str:
    """The demo project in the real main window."""
    from territory_designer.io.demo import build_demo_project
    from territory_designer.ui.app_settings import AppSettings, make_qsettings
    from territory_designer.ui.dialogs.prompts import ScriptedPrompts
    from territory_designer.ui.main_window import MainWindow

    project = build_demo_project()
    settings = AppSettings(make_qsettings(run.folder / "settings"))
    run.window = MainWindow(project, "Demo", settings, ScriptedPrompts())
    run.window.resize(1200, 800)
    run.window.show()
    _process_events()
    _check(len(project.units) > 0, "the demo project has no units")
    _check(len(project.plan.territories) > 0, "the demo project has no territories")
    from PySide6.QtWidgets import QApplication

    _check(not QApplication.windowIcon().isNull(), "the application icon is missing")
    image = run.window.grab()
    _check(not image.isNull() and image.width() > 0, "the window did not render")
    path = run.folder / "window.png"
    _check(image.save(str(path)), f"could not save {path}")
    return f"{len(project.units)} units, {len(project.plan.territories)} territories"


def step_paint(run: SelftestRun) -> str:
    """Paint three units into another territory; undo and redo the stroke."""
    import numpy as np

    session = run.window.session
    plan = run.project.plan
    codes = sorted(plan.territories)
    target = codes[-1]
    units = np.flatnonzero(plan.assignment != target)[:3]
    _check(units.size == 3, "no units to paint")
    before = plan.assignment.copy()
    session.set_active_territory(target)
    session.begin_stroke(target)
    session.extend_stroke(units)
    _check(session.end_stroke(), "the paint stroke was refused")
    _check(bool((run.project.plan.assignment[units] == target).all()), "units were not painted")
    session.undo_stack.undo()
    _check(bool((run.project.plan.assignment == before).all()), "undo did not restore the plan")
    session.undo_stack.redo()
    _check(bool((run.project.plan.assignment[units] == target).all()), "redo did not repaint")
    _process_events()
    return f"3 units into {plan.territories[target].name}, undone and redone"


def step_import(run: SelftestRun) -> str:
    """A workbook written by openpyxl, located by ZIP code from the bundled gazetteer."""
    from openpyxl import Workbook

    from territory_designer.io.accounts_import import import_accounts

    path = run.folder / "customers.xlsx"
    wb = Workbook()
    ws = wb.active
    ws.title = "Customers"
    ws.append(["Account ID", "Account Name", "ZIP", "Revenue"])
    for row in WORKBOOK_ROWS:
        ws.append(list(row))
    wb.save(path)
    report = import_accounts(_fresh_demo(), path, replace_all=True)
    _check(
        report.located_total == len(WORKBOOK_ROWS),
        f"{report.located_total} of {len(WORKBOOK_ROWS)} ZIP codes located",
    )
    return f"{report.located_total} accounts located by ZIP"


def _fresh_demo() -> Project:
    from territory_designer.io.demo import build_demo_project

    return build_demo_project()


def step_templates(run: SelftestRun) -> str:
    """Every industry template shipped with the app reads and checks."""
    from territory_designer.io.templates import load_template, template_names

    names = template_names()
    _check(len(names) >= 9, f"only {len(names)} templates found: {names}")
    for name in names:
        load_template(name)
    return f"{len(names)} templates"


def step_basemap(run: SelftestRun) -> str:
    """The offline basemap around the project: land, borders and city names."""
    from territory_designer.io.basemap import load_basemap

    units = run.project.units
    basemap = load_basemap(units.crs, units.bounds)
    _check(not basemap.land.is_empty, "the basemap has no land")
    _check(not basemap.states.is_empty, "the basemap has no state borders")
    _check(len(basemap.city_names) > 0, "the basemap has no city names")
    return f"{len(basemap.city_names)} cities, first {basemap.city_names[0]}"


def step_build(run: SelftestRun) -> str:
    """A small build on the demo (four territories), added as a plan in one undo step."""
    from territory_designer.balance.project_api import build_plan
    from territory_designer.core.plan_operations import AddGeneratedPlan

    plan, report = build_plan(run.project, k=4, name="Selftest build", seed=1)
    _check(len(plan.territories) == 4, f"the build made {len(plan.territories)} territories")
    _check(bool((plan.assignment >= 0).all()), "the build left units unassigned")
    _check(run.window.session.execute(AddGeneratedPlan(plan)), "the built plan was refused")
    _process_events()
    deviation = getattr(report, "max_abs_deviation_pct", None)
    return "4 territories" + (f", max deviation {deviation:.1f} %" if deviation is not None else "")


def step_save_reopen(run: SelftestRun) -> str:
    """Save through the window, reopen the file, find the same plans and assignment."""
    from territory_designer.io.project_file import load_project

    path = run.folder / "selftest.tdproj"
    _check(run.window.files.save_to(path, wait=True), f"saving {path} failed")
    _check(not run.project.is_dirty, "the project still has unsaved changes after saving")
    run.reopened = load_project(path)
    _check(sorted(run.reopened.plans) == sorted(run.project.plans), "the reopened plans differ")
    _check(
        bool((run.reopened.plan.assignment == run.project.plan.assignment).all()),
        "the reopened assignment differs",
    )
    return f"{path.stat().st_size // 1024} KB, {len(run.reopened.plans)} plans"


def step_exports(run: SelftestRun) -> str:
    """Every export format of the reopened project into the temporary folder."""
    from territory_designer.reports.registry import export, exporters

    out = run.folder / "exports"
    out.mkdir(exist_ok=True)
    written = []
    for name, ex in sorted(exporters().items()):
        target = out / name if ex.is_folder else out / f"report-{name}{ex.suffixes[0]}"
        path = export(name, run.reopened, target)
        size = sum(p.stat().st_size for p in path.rglob("*")) if path.is_dir() else 0
        size = size or (path.stat().st_size if path.is_file() else 0)
        _check(size > 0, f"export {name} wrote nothing to {path}")
        written.append(name)
    return ", ".join(written)


def step_close(run: SelftestRun) -> str:
    """Close the window and let background work finish."""
    from territory_designer.ui.workers import wait_for_all_tasks

    run.window.files.release_lock()
    run.window.hide()
    run.window.deleteLater()
    _process_events()
    wait_for_all_tasks(30000, cancel=True)
    return "closed"


STEPS: tuple[tuple[str, Callable[[SelftestRun], str]], ...] = (
    ("open demo", step_open_demo),
    ("paint", step_paint),
    ("import accounts", step_import),
    ("templates", step_templates),
    ("basemap", step_basemap),
    ("build", step_build),
    ("save and reopen", step_save_reopen),
    ("exports", step_exports),
    ("close", step_close),
)


def _process_events() -> None:
    from PySide6.QtWidgets import QApplication

    QApplication.processEvents()


def run_selftest(keep: str | None = None, out: Callable[[str], None] = print) -> int:
    """Run every step; print one line each; return 0 only if all of them worked.

    Parameters
    ----------
    keep : str, optional
        Folder to write into and keep (default: a temporary folder, removed afterwards).
    out : callable
        Where the step lines go.
    """
    from territory_designer import __version__

    with tempfile.TemporaryDirectory(prefix="td-selftest-") as tmp:
        folder = Path(keep) if keep else Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        _isolate(folder)
        from PySide6.QtWidgets import QApplication

        from territory_designer.app import configure_application

        app = QApplication.instance() or QApplication([sys.argv[0]])
        configure_application(app)
        run = SelftestRun(folder, out)
        frozen = " (frozen)" if getattr(sys, "frozen", False) else ""
        out(f"Territory Designer {__version__} self-test{frozen}, Python {sys.version.split()[0]}")
        started = time.perf_counter()
        NetworkWatch.start()
        for name, step in STEPS:
            t0 = time.perf_counter()
            try:
                detail = step(run)
            except Exception as exc:  # noqa: BLE001 - every failure is reported, then we go on
                run.failures.append(name)
                out(f"FAIL {name}: {type(exc).__name__}: {exc}")
                if os.environ.get("TD_DEBUG"):
                    out(traceback.format_exc())
                if run.window is None:
                    break
                continue
            out(f"ok   {name} ({time.perf_counter() - t0:.1f} s): {detail}")
        attempts = NetworkWatch.stop()
        if attempts:
            run.failures.append("network")
            out(f"FAIL network: {len(attempts)} attempt(s) to go online: {attempts[:3]}")
        total = time.perf_counter() - started
        if run.failures:
            out(f"self-test FAILED ({', '.join(run.failures)}) in {total:.1f} s")
            return 1
        out(f"self-test passed: {len(STEPS)} steps in {total:.1f} s")
        return 0
