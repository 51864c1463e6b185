"""Colour by a metric (choropleth): class breaks of a unit field and their colour ramp."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: Sequential ramp, light to dark (ColorBrewer YlGnBu, 5 classes): readable in print and
#: for the common colour-vision deficiencies.
RAMP = ("#ffffcc", "#a1dab4", "#41b6c4", "#2c7fb8", "#253494")
#: Units without the metric (zero or missing) stay out of the classes.
NO_VALUE_COLOR = "#e6e6e6"


@dataclass(frozen=True)
class Classes:
    """Quantile classes of one field over the units.

    Attributes
    ----------
    field : str
        The field classified.
    breaks : numpy.ndarray
        Upper bounds of the classes (``len(colors)`` values, ascending).
    colors : tuple of str
        One colour per class.
    lower : float
        Smallest positive value (the lower bound of the first class).
    bins : numpy.ndarray
        Class per unit; -1 for units without a positive value.
    labels : tuple of str
        Legend text per class for categories (a change view); empty for value ranges.
    none_label : str
        Legend text of the units in no class.
    """

    field: str
    breaks: np.ndarray
    colors: tuple[str, ...]
    lower: float
    bins: np.ndarray
    labels: tuple[str, ...] = ()
    none_label: str = "none"


def quantile_classes(field: str, values: np.ndarray, ramp: tuple[str, ...] = RAMP) -> Classes:
    """Split the units with a positive value into equal-count classes.

    Quantiles (not equal intervals) because unit metrics are skewed: a few big-city
    units would otherwise put every other unit into the first class.

    Parameters
    ----------
    field : str
        Name of the field (kept for the legend).
    values : numpy.ndarray
        One value per unit.
    ramp : tuple of str
        Colours, light to dark; their number is the most classes made.

    Returns
    -------
    Classes
        Fewer classes than colours when the values have fewer distinct quantiles.
    """
    values = np.nan_to_num(np.asarray(values, dtype=float), nan=0.0)
    positive = values[values > 0]
    bins = np.full(len(values), -1, dtype=np.int64)
    if positive.size == 0:
        return Classes(field, np.empty(0), (), 0.0, bins)
    qs = np.quantile(positive, np.linspace(0, 1, len(ramp) + 1)[1:])
    breaks = np.unique(qs)
    colors = tuple(ramp[len(ramp) - len(breaks) :]) if len(breaks) < len(ramp) else ramp
    has = values > 0
    bins[has] = np.minimum(np.searchsorted(breaks, values[has], side="left"), len(breaks) - 1)
    return Classes(field, breaks, colors, float(positive.min()), bins)
