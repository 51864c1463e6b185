"""National US plan maps: the lower 48 fill the frame, AK/HI/PR go in insets (PDF, Excel)."""

from __future__ import annotations

import re

import numpy as np
import pytest
from td_factories import us_counties_path

from territory_designer.core.colors import palette_color
from territory_designer.core.plan import Plan, Territory
from territory_designer.core.project import Project
from territory_designer.io.geography import new_project_from_file
from territory_designer.reports import ExportOptions, export
from territory_designer.reports.mapping import map_figure, widen_to_ratio
from territory_designer.reports.pdf import cover_page, territory_page
from territory_designer.reports.tables import build_report_data

#: Territories by first letter of the state code (AK, HI and PR included).
REGIONS = "ACDFGHIKLMNOPRSTUVW"

LOWER_48 = {
    "23003": "Aroostook ME",
    "06073": "San Diego CA",
    "12086": "Miami-Dade FL",
    "53073": "Whatcom WA",
}
FAR = {"02020": "Anchorage AK", "15003": "Honolulu HI", "72127": "San Juan PR"}


@pytest.fixture(scope="module")
def national_plan() -> Project:
    project = new_project_from_file(us_counties_path(), "FIPS", "NAME")
    states = project.units.attributes["STATE"].astype(str)
    codes = np.array([REGIONS.index(s[0]) for s in states], dtype=np.int64)
    territories = {
        k: Territory(id=f"R{k:02d}", name=f"Region {ch}", color=palette_color(k), owner="")
        for k, ch in enumerate(REGIONS)
    }
    return Project(project.units, project.adjacency, plans=[Plan("Plan 1", territories, codes)])


def _inside(ax: object, xy: np.ndarray) -> bool:
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    return bool(x0 <= xy[0] <= x1 and y0 <= xy[1] <= y1)


def _check_insets(main_ax: object, project: Project) -> None:
    units = project.units
    xy = {f: units.centroid[units.index_of(f)] for f in {**LOWER_48, **FAR}}
    for fips, name in LOWER_48.items():
        assert _inside(main_ax, xy[fips]), f"{name} is off the main map"
    for fips, name in FAR.items():
        assert not _inside(main_ax, xy[fips]), f"{name} shrinks the main map"
    # The lower 48 fill the frame: the main map spans at most ~1.6 times their width.
    width = main_ax.get_xlim()[1] - main_ax.get_xlim()[0]
    assert width < 1.6 * (xy["23003"][0] - xy["53073"][0])
    insets = main_ax.child_axes
    assert len(insets) == 3
    for fips, name in FAR.items():
        holding = [ax for ax in insets if _inside(ax, xy[fips])]
        assert len(holding) == 1, f"{name} is in {len(holding)} insets"
        assert len(holding[0].collections) >= 1  # the territories are drawn there


def test_pdf_cover_map_has_insets(national_plan: Project) -> None:
    fig = cover_page(build_report_data(national_plan), "a4", None)
    main_ax = next(ax for ax in fig.axes if ax.child_axes)
    _check_insets(main_ax, national_plan)


def test_excel_map_has_insets(national_plan: Project) -> None:
    fig = map_figure(build_report_data(national_plan))
    main_ax = next(ax for ax in fig.axes if ax.child_axes)
    _check_insets(main_ax, national_plan)


def test_regional_map_has_no_insets(demo_project: Project) -> None:
    fig = map_figure(build_report_data(demo_project))
    assert not any(ax.child_axes for ax in fig.axes)


def test_territory_page_puts_its_far_part_in_an_inset(national_plan: Project) -> None:
    """Region P holds Pennsylvania and Puerto Rico: the page frames Pennsylvania."""
    data = build_report_data(national_plan)
    fig = territory_page(data, REGIONS.index("P"), "a4", include_accounts=False)
    main_ax = next(ax for ax in fig.axes if ax.child_axes)
    units = national_plan.units
    philadelphia = units.centroid[units.index_of("42101")]
    san_juan = units.centroid[units.index_of("72127")]
    assert _inside(main_ax, philadelphia) and not _inside(main_ax, san_juan)
    assert [_inside(ax, san_juan) for ax in main_ax.child_axes] == [True]


def test_html_map_opens_on_the_lower_48(national_plan: Project, tmp_path) -> None:
    out = export("html", national_plan, tmp_path / "us.html", ExportOptions())
    html = out.read_text(encoding="utf-8")
    number = r"\s*([-\d.]+)\s*"
    pair = rf"\[{number},{number}\]"
    found = re.findall(rf"fitBounds\(\s*\[{pair},\s*{pair}\]", html)
    assert found, "no fitBounds in the page"
    south, west, north, east = map(float, found[-1])  # the page's own, after Leaflet's
    assert -130 < west < -120 and -70 < east < -60  # not -155..+161 (the whole world)
    assert 20 < south < 30 and 45 < north < 55


@pytest.mark.parametrize(
    ("ratio", "expected"),
    [(2.0, (-5.0, 0.0, 15.0, 10.0)), (0.5, (0.0, -5.0, 10.0, 15.0)), (1.0, (0, 0, 10, 10))],
)
def test_a_map_box_is_widened_to_its_frame_never_cut(ratio, expected) -> None:
    box = widen_to_ratio((0.0, 0.0, 10.0, 10.0), ratio)
    assert box == pytest.approx(expected)
    xmin, ymin, xmax, ymax = box
    assert (xmax - xmin) / (ymax - ymin) == pytest.approx(ratio)
