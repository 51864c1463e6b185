"""The territory dock gives the least compact territory next to the mean (issue 17)."""

from __future__ import annotations

import re


def test_dock_shows_min_polsby_popper_beside_the_mean(window):
    text = window.territory_dock.summary_label.text()
    found = re.search(r"Polsby-Popper mean ([\d.]+), min ([\d.]+)", text)
    assert found, text
    mean, low = map(float, found.groups())
    summary = window.session.project.summary()
    assert (mean, low) == (round(summary.pp_mean, 2), round(summary.pp_min, 2))
    assert low <= mean
