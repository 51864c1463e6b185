"""Stacking order of the map canvas's layers, bottom to top, in one place.

Every layer module takes its z value from here, so a new layer is slotted in by reading
one table rather than by searching the canvas package for numbers.
"""

from __future__ import annotations

Z_UNITS = 0.0  #: unit fills in their territory's colour
Z_LOCKED = 1.0  #: hatching over locked units
Z_BORDERS = 3.0  #: territory outlines
Z_SELECTION = 4.0  #: selected units
Z_ACCOUNTS = 5.0  #: account points
Z_HOMES = 6.0  #: reps' home-base markers
Z_LABELS = 7.0  #: territory labels (the text sits 0.1 above its halo)
Z_TOOL = 20.0  #: the active tool's feedback (brush circle, lasso outline)
