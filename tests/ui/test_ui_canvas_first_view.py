"""The window's first view of a national US project frames the lower 48, not the Pacific."""

from __future__ import annotations

import pytest
from td_factories import us_counties_path

from territory_designer.core.project import Project
from territory_designer.io.geography import new_project_from_file
from territory_designer.ui.app_settings import AppSettings
from territory_designer.ui.canvas.paths import scene_point
from territory_designer.ui.dialogs.prompts import ScriptedPrompts
from territory_designer.ui.main_window import MainWindow

LOWER_48 = {"23003": "Aroostook ME", "06073": "San Diego CA", "12086": "Miami-Dade FL"}
FAR = {"02020": "Anchorage AK", "15003": "Honolulu HI", "72127": "San Juan PR"}


@pytest.fixture(scope="module")
def national() -> Project:
    return new_project_from_file(us_counties_path(), "FIPS", "NAME")


def _visible(window: MainWindow, project: Project) -> dict[str, bool]:
    canvas = window.canvas
    shown = canvas.mapToScene(canvas.viewport().rect()).boundingRect()
    units = project.units
    return {
        fips: shown.contains(scene_point(*units.centroid[units.index_of(fips)]))
        for fips in {**LOWER_48, **FAR}
    }


def test_first_view_fits_the_lower_48_and_zoom_to_all_shows_everything(
    qtbot, national: Project
) -> None:
    window = MainWindow(national, "US counties", AppSettings(), ScriptedPrompts())
    qtbot.addWidget(window)
    window.resize(1200, 800)
    window.show()
    qtbot.waitExposed(window)
    seen = _visible(window, national)
    assert all(seen[f] for f in LOWER_48), seen
    assert not any(seen[f] for f in FAR), seen
    # The lower 48 fill the view: Maine to San Diego spans most of its width.
    canvas = window.canvas
    units = national.units
    west = canvas.mapFromScene(scene_point(*units.centroid[units.index_of("06073")]))
    east = canvas.mapFromScene(scene_point(*units.centroid[units.index_of("23003")]))
    assert east.x() - west.x() > 0.7 * canvas.viewport().width()
    window.resize(1000, 700)  # the first view follows the window's size
    qtbot.wait(10)
    assert all(_visible(window, national)[f] for f in LOWER_48)
    window.actions_by_name["zoom_all"].trigger()  # View > Zoom to all
    assert all(_visible(window, national).values())


def test_the_app_opens_a_national_project_on_the_lower_48(qtbot, national: Project, tmp_path):
    """Through the start-up path of ``python main.py P.tdproj`` (it used to zoom to all
    after showing the window, undoing the main-body view)."""
    from territory_designer.app import show_main_window
    from territory_designer.io.project_file import save_project

    path = save_project(national, tmp_path / "us.tdproj")
    window = show_main_window(str(path), ScriptedPrompts(), AppSettings())
    qtbot.addWidget(window)
    qtbot.waitExposed(window)
    project = window.session.project
    seen = _visible(window, project)
    assert all(seen[f] for f in LOWER_48), seen
    assert not any(seen[f] for f in FAR), seen
