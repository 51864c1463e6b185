"""Stacking order of the map canvas's layers, bottom to top, in one place.

Every layer module takes its z value from here, so a new layer is slotted in by reading
one table rather than by searching the canvas package for numbers.
"""

from __future__ import annotations

Z_BASEMAP = -10.0  #: basemap land and lakes, under everything of the project
Z_UNITS = 0.0  #: unit fills in their territory's colour
Z_LOCKED = 1.0  #: hatching over locked units
Z_BASEMAP_LINES = 2.0  #: basemap country and state borders, over the fills
Z_BORDERS = 3.0  #: territory outlines
Z_SELECTION = 4.0  #: selected units
Z_ACCOUNTS = 5.0  #: account points
Z_HOMES = 6.0  #: reps' home-base markers
Z_UNIT_NAMES = 6.3  #: unit names when zoomed in, under the city names
Z_CITIES = 6.5  #: basemap city names, under the territory labels
Z_LABELS = 7.0  #: territory labels (the text sits 0.1 above its halo)
Z_TOOL = 20.0  #: the active tool's feedback (brush circle, lasso outline)
