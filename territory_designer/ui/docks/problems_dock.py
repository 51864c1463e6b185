"""The "Problems" dock: every problem of the active plan; a row takes the map to it."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QDockWidget, QListWidget, QListWidgetItem, QWidget

from territory_designer.core.problems import Problem, plan_problems
from territory_designer.ui.session import Session

#: Row prefixes by kind, so the list reads at a glance.
ICONS = {"unassigned": "○", "pieces": "◐", "outside": "✕", "locked": "🔒", "heavy": "▲"}


class ProblemsDock(QDockWidget):
    """Lists :func:`~territory_designer.core.problems.plan_problems`, refreshed after
    edits (at most every 300 ms); activating a row selects its units and zooms there.

    Parameters
    ----------
    session : Session
        The plan checked.
    canvas : MapCanvas
        Zoomed to the problem chosen.
    """

    def __init__(self, session: Session, canvas: QWidget, parent: QWidget | None = None) -> None:
        super().__init__("Problems", parent)
        self.setObjectName("problems_dock")
        self.session = session
        self.canvas = canvas
        self.problems: list[Problem] = []
        self.view = QListWidget()
        self.view.itemActivated.connect(self._on_activated)
        self.view.itemClicked.connect(self._on_activated)
        self.setWidget(self.view)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(300)
        self._timer.timeout.connect(self.refresh)
        for sig in (
            session.sig_revision_changed,
            session.sig_project_replaced,
            session.sig_settings_changed,
            session.sig_accounts_changed,
        ):
            sig.connect(self._schedule)
        self.refresh()

    def _schedule(self, *_args: object) -> None:
        if not self._timer.isActive():
            self._timer.start()

    def refresh(self) -> None:
        """Check the plan again now."""
        self.problems = plan_problems(self.session.project)
        self.view.clear()
        for problem in self.problems:
            self.view.addItem(QListWidgetItem(f"{ICONS.get(problem.kind, '•')}  {problem.text}"))
        if not self.problems:
            item = QListWidgetItem("No problems found in this plan.")
            item.setFlags(Qt.ItemFlag.NoItemFlags)
            self.view.addItem(item)
        self.setWindowTitle(f"Problems ({len(self.problems)})" if self.problems else "Problems")

    def show_problem(self, row: int) -> None:
        """Select the units of problem ``row`` and zoom the map to it."""
        problem = self.problems[row]
        if problem.units.size:
            self.session.set_selection(problem.units)
            self.canvas.zoom_to_selection()
        elif len(problem.points):
            self.canvas.zoom_to_points(problem.points)

    def _on_activated(self, item: QListWidgetItem) -> None:
        row = self.view.row(item)
        if 0 <= row < len(self.problems):
            self.show_problem(row)
