"""Help › Keyboard Shortcuts, Getting Started and About: their text, and the Redo keys."""

from __future__ import annotations

from collections.abc import Iterable
from html import escape

from PySide6.QtGui import QAction, QKeySequence

from territory_designer.io.basemap import CREDIT as BASEMAP_CREDIT

ABOUT_TEXT = (
    "<h3>Territory Designer {version}</h3>"
    "<p>Offline desktop GIS for designing balanced sales and service territories.</p>"
    "<p>Paint units into territories, watch the balance figures update live, "
    "and save plans as GeoPackage-based <i>.tdproj</i> files that open in QGIS.</p>"
    f"<p><small>{BASEMAP_CREDIT}</small></p>"
)

GETTING_STARTED = """
<h3>Getting started</h3>
<ol>
<li><b>Open or create a project</b>: File › Open… a <i>.tdproj</i>, or File › New from
Units File… with any polygon layer (ZIP areas, counties, custom areas).</li>
<li><b>Import accounts</b>: File › Import › Accounts… reads an Excel or CSV customer list
and places every row in a unit; rows that cannot be placed are listed, never dropped.</li>
<li><b>Make territories</b>: Balance › Build Territories… builds balanced, contiguous ones;
or add them in the Territories dock (Add, Ctrl+T) and paint units into them.</li>
<li><b>Paint</b>: pick a territory in the dock, then click (C), brush (B), lasso (L) or
drag a rectangle (R) over the map; the eraser (E) unassigns. The dock's figures and
deviation bars update as you paint. Tool keys work while the map has the keyboard focus
(click the map first).</li>
<li><b>Check the balance</b>: the line under the table gives the maximum deviation,
contiguity and unassigned units; Balance › Rebalance Plan… fixes it with few moves.</li>
<li><b>Save and hand over</b>: File › Save (Ctrl+S); File › Export writes the Excel and PDF
reports, an offline HTML map and GIS files.</li>
</ol>
<p>Every edit can be undone (Ctrl+Z) and redone (Ctrl+Shift+Z or Ctrl+Y).</p>
"""

#: Keys handled by the map itself (not menu actions): key -> what it does.
MAP_KEYS = {
    "Arrow keys": "Pan the map",
    "Wheel": "Zoom about the cursor",
    "Middle drag": "Pan with any tool",
    "Esc": "Cancel the gesture in progress",
    "Right click": "Cancel a lasso or rectangle",
}


def shortcuts_html(actions: Iterable[QAction], tool_actions: Iterable[QAction]) -> str:
    """The keyboard shortcuts page, read from the window's own actions.

    Parameters
    ----------
    actions : iterable of QAction
        Menu actions; those without a shortcut are left out.
    tool_actions : iterable of QAction
        The map tools (their keys act while the map has the focus).

    Returns
    -------
    str
        Rich text with one table of menu shortcuts and one of map keys.
    """

    def rows(pairs: Iterable[tuple[str, str]]) -> str:
        return "".join(
            f"<tr><td><b>{escape(k)}</b>&nbsp;&nbsp;</td><td>{escape(v)}</td></tr>"
            for k, v in pairs
        )

    def keys(action: QAction) -> str:
        native = QKeySequence.SequenceFormat.NativeText
        return ", ".join(s.toString(native) for s in action.shortcuts() if not s.isEmpty())

    def label(action: QAction) -> str:
        return action.text().replace("&", "").rstrip("…").strip()

    tool_actions = list(tool_actions)
    # A tool's action may sit in a menu too; its key still acts on the map only.
    menu = [(keys(a), label(a)) for a in actions if keys(a) and a not in tool_actions]
    tools = [(keys(a), label(a)) for a in tool_actions if keys(a)]
    return (
        "<h3>Keyboard shortcuts</h3><table>"
        + rows(menu)
        + "</table><h4>On the map (click it first)</h4><table>"
        + rows(tools)
        + rows(MAP_KEYS.items())
        + "</table>"
    )


def redo_shortcuts() -> list[QKeySequence]:
    """Redo keys: the platform's, plus Ctrl+Shift+Z and Ctrl+Y, each once.

    Linux desktops list Ctrl+Shift+Z first among their Redo keys; adding it again made Qt
    see the key bound twice ("Ambiguous shortcut overload") and do nothing.
    """
    keys: list[QKeySequence] = []
    for key in [
        *QKeySequence.keyBindings(QKeySequence.StandardKey.Redo),
        QKeySequence("Ctrl+Shift+Z"),
        QKeySequence("Ctrl+Y"),
    ]:
        if not key.isEmpty() and all(key != k for k in keys):
            keys.append(key)
    return keys
