"""QA of issue 10 through the window on real public layers: the questions and dialogs of
File ▸ New and File ▸ Import ▸ Units Layer stay readable on a national layer.

The real dialogs are opened (not scripted answers); a zero timer inspects the open modal
dialog as the user would see it and then answers it.
"""

from __future__ import annotations

import libpysal
import pytest
from PySide6.QtCore import QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QInputDialog, QWidget

from territory_designer.ui.app_settings import AppSettings
from territory_designer.ui.dialogs.prompts import ScriptedPrompts
from territory_designer.ui.main_window import MainWindow

#: libpysal's North Carolina counties: the same FIPS ids as the demo project's units.
SIDS2 = libpysal.examples.get_path("sids2.shp")


def _inspect_modal(kind: type, seen: dict, answer) -> None:  # noqa: ANN001
    """When a modal dialog of ``kind`` is shown, record its geometry, then ``answer`` it
    (progress dialogs shown meanwhile are passed over)."""

    def poll() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, kind) or not dialog.isVisible():
            QTimer.singleShot(20, poll)
            return
        seen["dialog"] = dialog
        seen["width"] = dialog.frameGeometry().width()
        seen["buttons"] = [
            b.mapTo(dialog, b.rect().topRight()).x()
            for b in dialog.findChild(QDialogButtonBox).buttons()
        ]
        answer(dialog)

    QTimer.singleShot(0, poll)


class RealPrefixPrompts(ScriptedPrompts):
    """Scripted answers, except the id-prefix question, which opens the real dialog."""

    def ask_id_prefix(self, parent: QWidget | None, detail: str, suggested: str) -> str | None:
        from territory_designer.ui.dialogs.prompts import Prompts

        self.asked.append(f"id_prefix:{detail}")
        return Prompts.ask_id_prefix(self, parent, detail, suggested)


def test_id_clash_question_fits_on_the_screen_with_its_buttons(qtbot, demo_project) -> None:  # noqa: ANN001
    """Adding NC counties again clashes on all 100 ids: the question lists them and must
    still fit the screen, with OK and Cancel inside the dialog (before: one line wider
    than any screen, the buttons off its right edge)."""
    prompts = RealPrefixPrompts()
    window = MainWindow(demo_project, "Demo", AppSettings(), prompts)
    qtbot.addWidget(window)
    window.show()
    window.imports.choose_fields = lambda _p, _f, _w: ("FIPS", "NAME", "", "EPSG:4269")
    seen: dict = {}
    _inspect_modal(QInputDialog, seen, lambda d: d.reject())
    window.imports.import_units_layer(SIDS2)
    qtbot.waitUntil(lambda: "dialog" in seen, timeout=60000)
    qtbot.waitUntil(lambda: not window.files.busy, timeout=30000)
    assert isinstance(seen["dialog"], QInputDialog)
    assert "100 unit ids already exist" in prompts.asked[0]
    screen = QGuiApplication.primaryScreen().availableGeometry().width()
    assert seen["width"] <= screen, f"dialog {seen['width']} px on a {screen} px screen"
    assert max(seen["buttons"]) <= seen["width"]
    assert len(window.session.project.units) == 100  # cancelled: nothing added


@pytest.fixture(autouse=True)
def _no_dialog_left() -> None:
    yield
    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, QInputDialog) and widget.isVisible():
            widget.reject()
