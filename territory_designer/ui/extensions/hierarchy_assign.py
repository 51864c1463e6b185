"""Territory › Assign Selection to District… (and "Assign Selection to This District" on a
node of the Hierarchy dock): the selected units go to the chosen district's (region's…)
territories, each unit to the nearest one, in one undo step and under the project's rules
(see :mod:`territory_designer.core.hierarchy_assign`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QInputDialog

from territory_designer.core.hierarchy import hierarchy_levels, node_name, nodes

if TYPE_CHECKING:
    from territory_designer.ui.main_window import MainWindow


def install(window: MainWindow) -> None:
    """Add the Territory menu action."""
    window.add_action(
        window.menus["territory"],
        "assign_selection_to_district",
        "Assign Selection to &District…",
        lambda: assign_selection_to_node(window),
        tip="Each selected unit to the nearest territory of a district (or region…)",
    )


def node_choices(window: MainWindow) -> list[tuple[str, str, str]]:
    """``(text, node id, level)`` of every hierarchy node, lowest level first."""
    project = window.session.project
    levels = hierarchy_levels(project)
    table = nodes(project)
    out = []
    for level in levels[1:]:
        ids = sorted(n for n, v in table.items() if v.get("level") == level)
        for n in ids:
            name = node_name(project, n)
            text = f"{level.capitalize()} {n}" + (f" {name}" if name != n else "")
            out.append((text, n, level))
    return out


def assign_selection_to_node(
    window: MainWindow, choice: str | None = None, node: tuple[str, str] | None = None
) -> bool:
    """Ask for a node (unless ``choice``, its list text, or ``node``, its (id, level), is
    given) and assign the selection to it; the status bar says what moved and what was
    left out."""
    session = window.session
    if not session.selection.size:
        session.sig_status.emit("Select units first (Select tool), then choose a district.")
        return False
    if node is not None:
        return _assign(window, *node)
    choices = node_choices(window)
    if not choices:
        session.sig_status.emit("No districts yet: Territory › Place in Hierarchy… makes one.")
        return False
    texts = [c[0] for c in choices]
    if choice is None:
        ask = getattr(window.prompts, "ask_hierarchy_node", None)
        if ask is not None:
            choice = ask(window, texts)
        else:
            choice, ok = QInputDialog.getItem(
                window, "Assign selection", "Assign the selected units to:", texts, 0, False
            )
            choice = choice if ok else None
    if choice not in texts:
        return False
    _, node_id, level = choices[texts.index(choice)]
    return _assign(window, node_id, level)


def _assign(window: MainWindow, node: str, level: str) -> bool:
    from territory_designer.core.hierarchy_assign import AssignToNode

    session = window.session
    op = AssignToNode(session.selection, node, level)
    if not session.execute(op):
        return False
    session.sig_status.emit(op.describe())
    return True
