"""Two plans side by side: a map per plan, panned and zoomed together.

Each pane shows the project through one plan (:func:`~territory_designer.reports.tables.
plan_view`: the user's active plan is not switched) on its own canvas in the pan tool, so
nothing can be painted here. Whichever map the user pans or zooms, the other follows.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QTimer
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QGridLayout,
    QLabel,
    QWidget,
)

from territory_designer.core.events import EventEmitter
from territory_designer.core.project import Project
from territory_designer.reports.comparison import comparison_plan
from territory_designer.reports.tables import plan_view
from territory_designer.ui.canvas.map_canvas import MapCanvas
from territory_designer.ui.session import Session

#: How often the panes are checked for a pan or zoom to copy (ms).
SYNC_MS = 40


def read_only_view(project: Project, plan: str) -> Project:
    """The project seen through ``plan``, with its own (silent) event emitter."""
    view = plan_view(project, plan)
    if view is project:
        import copy

        view = copy.copy(project)
    view.events = EventEmitter()
    return view


def view_state(canvas: MapCanvas) -> tuple[float, float, float]:
    """(scale, centre x, centre y) of what a canvas shows, in scene units."""
    centre = canvas.mapToScene(canvas.viewport().rect().center())
    return (round(canvas.transform().m11(), 9), round(centre.x(), 3), round(centre.y(), 3))


def match_view(target: MapCanvas, source: MapCanvas) -> None:
    """Show in ``target`` what ``source`` shows (same scale and centre)."""
    centre: QPointF = source.mapToScene(source.viewport().rect().center())
    target._fit_all = target._fit_main = False  # noqa: SLF001 - a user-made view now
    target.setTransform(source.transform())
    target.centerOn(centre)
    target._update_detail()  # noqa: SLF001 - level of detail for the new scale
    target._view_timer.start()  # noqa: SLF001 - labels for the new view


class SideBySideDialog(QDialog):
    """Two maps of two plans of the main session's project, synchronised.

    Parameters
    ----------
    session : Session
        The window's session; its project is read, never changed.
    left, right : str, optional
        Plans shown (default: the baseline, or the plan before, and the active plan).
    """

    def __init__(
        self,
        session: Session,
        parent: QWidget | None = None,
        left: str | None = None,
        right: str | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("side_by_side")
        self.setWindowTitle("Plans side by side")
        self.main_session = session
        project = session.project
        base = comparison_plan(project, project.plan)
        right = right or project.active_plan_name
        left = left or (base.name if base is not None else right)
        self.combos: list[QComboBox] = []
        self.sessions: list[Session] = []
        self.canvases: list[MapCanvas] = []
        self.captions: list[QLabel] = []
        grid = QGridLayout(self)
        for col, name in enumerate((left, right)):
            combo = QComboBox()
            combo.addItems(list(project.plans))
            combo.setCurrentText(name)
            combo.currentTextChanged.connect(lambda text, c=col: self.show_plan(c, text))
            pane_session = Session(read_only_view(project, name), self)
            canvas = MapCanvas(pane_session, self)
            canvas.set_tool("pan")  # look, never paint: the plans are the user's
            caption = QLabel()
            grid.addWidget(combo, 0, col)
            grid.addWidget(canvas, 1, col)
            grid.addWidget(caption, 2, col)
            self.combos.append(combo)
            self.sessions.append(pane_session)
            self.canvases.append(canvas)
            self.captions.append(caption)
        grid.setRowStretch(1, 1)
        self._states = [view_state(c) for c in self.canvases]
        self._timer = QTimer(self)
        self._timer.setInterval(SYNC_MS)
        self._timer.timeout.connect(self.sync_now)
        self._timer.start()
        self._reload_timer = QTimer(self)
        self._reload_timer.setSingleShot(True)
        self._reload_timer.setInterval(500)
        self._reload_timer.timeout.connect(self.reload)
        session.sig_revision_changed.connect(self._schedule_reload)
        session.sig_project_replaced.connect(self._schedule_reload)
        self._refresh_captions()
        self.resize(1300, 700)

    @property
    def plans(self) -> list[str]:
        """The plans shown, left then right."""
        return [c.currentText() for c in self.combos]

    def sync_now(self) -> None:
        """Copy a pan or zoom made in one map to the other."""
        now = [view_state(c) for c in self.canvases]
        changed = [k for k in range(2) if now[k] != self._states[k]]
        if len(changed) == 1:
            src = changed[0]
            match_view(self.canvases[1 - src], self.canvases[src])
        elif changed and now[0] != now[1]:  # both moved (a resize, the first layout)
            match_view(self.canvases[1], self.canvases[0])
        self._states = [view_state(c) for c in self.canvases]

    def show_plan(self, pane: int, name: str) -> None:
        """Show plan ``name`` in pane 0 (left) or 1 (right), keeping the view."""
        project = self.main_session.project
        if name not in project.plans:
            return
        other = self.canvases[1 - pane]
        self.sessions[pane].replace_project(read_only_view(project, name))
        self.canvases[pane].set_tool("pan")
        match_view(self.canvases[pane], other)
        self._states = [view_state(c) for c in self.canvases]
        self._refresh_captions()

    def _schedule_reload(self, *_args: object) -> None:
        if self.isVisible() and not self._reload_timer.isActive():
            self._reload_timer.start()

    def reload(self) -> None:
        """Show the plans as they are now (after edits in the main window)."""
        project = self.main_session.project
        for pane, combo in enumerate(self.combos):
            names = list(project.plans)
            chosen = combo.currentText()
            combo.blockSignals(True)
            combo.clear()
            combo.addItems(names)
            combo.setCurrentText(chosen if chosen in names else project.active_plan_name)
            combo.blockSignals(False)
            self.show_plan(pane, combo.currentText())

    def _refresh_captions(self) -> None:
        project = self.main_session.project
        left, right = (project.plans[n] for n in self.plans)
        moved = int((left.territory_ids() != right.territory_ids()).sum())
        for pane, name in enumerate(self.plans):
            roles = [
                r
                for r, n in (
                    ("baseline", project.baseline_plan_name),
                    ("active", project.active_plan_name),
                )
                if n == name
            ]
            role = f" ({', '.join(roles)})" if roles else ""
            s = self.sessions[pane].project.summary()
            self.captions[pane].setText(
                f"{name}{role}: {len(project.plans[name].territories)} territories, max "
                f"deviation {s.max_abs_deviation_pct:.1f}%"
                + (f" · {moved} units differ" if pane == 1 else "")
            )

    def done(self, result: int) -> None:
        self._timer.stop()
        self._reload_timer.stop()
        self.main_session.sig_revision_changed.disconnect(self._schedule_reload)
        self.main_session.sig_project_replaced.disconnect(self._schedule_reload)
        super().done(result)
