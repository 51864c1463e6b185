"""Territory labels on report maps never overlap (issue 18).

The demo's real North Carolina counties (libpysal ``sids2``) rebuilt into 20 territories:
names at 7 pt crowd the Piedmont, where territories are small.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import matplotlib
from matplotlib.backends.backend_agg import FigureCanvasAgg

from territory_designer.cli import main
from territory_designer.io.project_file import load_project
from territory_designer.reports.mapping import PLAIN_TEXT, map_figure
from territory_designer.reports.pdf import cover_page
from territory_designer.reports.tables import build_report_data


def _label_boxes(fig: object, ax: object) -> list[object]:
    renderer = FigureCanvasAgg(fig).get_renderer()
    return [
        t.get_window_extent(renderer)
        for t in ax.texts
        if t.get_visible() and t.get_text() and t.get_zorder() == 5
    ]


def test_no_two_territory_labels_overlap(demo_project_file: Path, tmp_path: Path):
    project = tmp_path / "k20.tdproj"
    shutil.copy(demo_project_file, project)
    assert main(["build", str(project), "-k", "20", "--seed", "1"]) == 0
    data = build_report_data(load_project(project))
    with matplotlib.rc_context(PLAIN_TEXT):
        for fig in (cover_page(data, "a4", None), map_figure(data, 7.0, 4.8)):
            ax = fig.axes[0]
            boxes = _label_boxes(fig, ax)
            assert len(boxes) >= 15  # most territories keep a label (name or id)
            for i, a in enumerate(boxes):
                for b in boxes[i + 1 :]:
                    assert not a.overlaps(b), (a, b)
