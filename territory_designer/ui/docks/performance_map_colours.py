"""The Performance dock's "Map" choice: colour the map's units by a performance figure.

Unit figures (sales in the last period, white space) are per unit; territory figures
(retention, attainment, growth) are painted on every unit of the territory. Classes are
the canvas's: quantile classes of positive values, or for a signed figure (growth %) a
diverging scale centred on zero (losses red, gains blue). Units without the figure are grey.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtWidgets import QComboBox, QLabel, QPushButton, QWidget

from territory_designer.core.errors import TerritoryDesignerError
from territory_designer.ui.session import Session

TERRITORIES = "Territories"
CHOICES = (
    TERRITORIES,
    "Sales per unit (last period)",
    "Growth % (territory)",
    "Retention % (territory)",
    "Attainment % (territory)",
    "White space per unit",
    "Win rate % per unit",
    "Won value per unit",
)


class MapColours:
    """A combo box choosing what the map's units are coloured by, and a message line."""

    def __init__(self, session: Session, canvas: QWidget | None) -> None:
        self.session = session
        self.canvas = canvas
        self.period = "month"
        self.box = QComboBox()
        self.box.addItems(list(CHOICES))
        self.box.setToolTip("Colour the map's units by a performance figure")
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.hide()
        #: The map shows our figures (so choosing "Territories" must restore it).
        self.coloured = False
        self.box.currentTextChanged.connect(lambda _text: self.apply())
        self.keep_button = QPushButton("Keep as metric")
        self.keep_button.setToolTip(
            "Store white space per unit as the unit field 'white_space': a metric to colour "
            "by and to balance on (one undo step)"
        )
        self.keep_button.clicked.connect(self.keep_white_space)
        self.keep_button.setVisible(False)

    def values(self, choice: str) -> tuple[np.ndarray, str]:
        """Per-unit values of ``choice`` and a line saying what they are."""
        from territory_designer.core.performance import project_performance
        from territory_designer.core.performance_map import (
            territory_figure_on_units,
            unit_sales,
        )
        from territory_designer.core.sales_history import SalesHistory

        project = self.session.project
        if choice.startswith("Win"):
            return self._conversion(choice)
        if choice == "White space per unit":
            from territory_designer.core.white_space import white_space

            ws = white_space(project)
            fit = ws.fit
            return np.clip(ws.white_space, 0, None), (
                f"White space = potential − actual ({ws.target}). {fit.message} "
                f"Cross-validated R² {fit.cv_r2:.2f}."
            )
        history = SalesHistory.of_project(project)
        table = project_performance(project, self.period, history=history)
        last = table.periods[-1]
        if choice.startswith("Sales"):
            period = table.first_period + table.revenue.shape[1] - 1
            return unit_sales(project, history, self.period, period), f"Sales per unit in {last}."
        if choice.startswith("Growth"):
            figure = table.growth_pct()
            text = f"{choice} in {last} on the period before: losses red, gains blue."
            return territory_figure_on_units(project, table, figure), text
        figure = table.retention_pct() if choice.startswith("Retention") else table.attainment_pct()
        return territory_figure_on_units(project, table, figure), f"{choice} in {last}."

    def _conversion(self, choice: str) -> tuple[np.ndarray, str]:
        from territory_designer.core.conversion import stored_conversion
        from territory_designer.core.errors import InputError

        result = stored_conversion(self.session.project)
        if result is None:
            raise InputError(
                "No opportunities in the project: keep them with "
                "`conversion P OPPORTUNITIES.xlsx --save`."
            )
        unit = result.per_unit
        if choice.startswith("Win rate"):
            values = unit["win_rate_pct"].to_numpy(dtype=float)
            text = "Win rate per unit: won ÷ closed (won + lost) opportunities."
        else:
            values = unit["won_value"].to_numpy(dtype=float)
            text = "Value of the opportunities won per unit."
        best = result.per_territory.sort_values("win_rate_pct", ascending=False).iloc[0]
        if np.isfinite(best["win_rate_pct"]):
            text += (
                f" Highest territory win rate: {best['territory_id']} {best['win_rate_pct']:.0f}%."
            )
        return values, text

    def apply(self) -> None:
        """Colour the map by the current choice (territory colours for the first)."""
        if self.canvas is None:
            return
        choice = self.box.currentText()
        self.keep_button.setVisible(choice == "White space per unit")
        if choice == TERRITORIES:
            self.message.hide()
            if self.coloured and self.canvas.color_field is None:  # type: ignore[attr-defined]
                self.canvas.set_color_by(None)  # type: ignore[attr-defined]
            self.coloured = False
            return
        try:
            values, text = self.values(choice)
        except TerritoryDesignerError as exc:
            self.message.setText(str(exc))
            self.message.show()
            return
        # NaN (no figure: no earlier period, no territory) stays out of the classes.
        self.canvas.set_color_values(choice, values)  # type: ignore[attr-defined]
        self.coloured = True
        self.message.setText(text)
        self.message.show()

    def keep_white_space(self) -> bool:
        """Store white space per unit as the metric ``white_space`` (one undo step)."""
        from territory_designer.core.history_operations import SetUnitField
        from territory_designer.core.white_space import white_space

        try:
            gap = white_space(self.session.project).white_space
        except TerritoryDesignerError as exc:
            self.message.setText(str(exc))
            self.message.show()
            return False
        done = self.session.execute(SetUnitField("white_space", gap, "Keep white space"))
        if done:
            self.session.sig_status.emit(
                "White space kept as the unit metric 'white_space' (Balance on it to re-align "
                "towards unserved potential)."
            )
        return done
