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


#: Diverging ramp for signed figures (ColorBrewer RdBu, 7 classes): three reds for losses,
#: a neutral grey-white for zero, three blues for gains; safe for red-green deficiencies.
DIVERGING = ("#b2182b", "#ef8a62", "#fddbc7", "#f7f7f7", "#d1e5f0", "#67a9cf", "#2166ac")


def is_signed(values: np.ndarray) -> bool:
    """True when some finite value is negative (growth %, a gap): a diverging scale."""
    v = np.asarray(values, dtype=float)
    return bool(np.any(np.isfinite(v) & (v < 0)))


def diverging_classes(field: str, values: np.ndarray, ramp: tuple[str, ...] = DIVERGING) -> Classes:
    """Classes of a signed figure centred on zero: negative red, zero neutral, positive blue.

    The class bounds are symmetric (the same magnitudes on both sides), at the terciles of
    the non-zero magnitudes, so a -10% and a +10% get the same depth of colour. Units
    without a value (NaN) stay out of the classes; an exact zero is the neutral class.

    Parameters
    ----------
    field : str
        Name of the figure (kept for the legend).
    values : numpy.ndarray
        One value per unit, NaN where undefined.
    ramp : tuple of str
        An odd number of colours, most negative first, the neutral one in the middle.

    Returns
    -------
    Classes
        ``len(ramp)`` classes; ``lower`` is the most negative bound.
    """
    values = np.asarray(values, dtype=float)
    ok = np.isfinite(values)
    bins = np.full(len(values), -1, dtype=np.int64)
    side = len(ramp) // 2
    magnitude = np.abs(values[ok & (values != 0)])
    if magnitude.size == 0:
        bins[ok] = 0  # every value is zero: one neutral class
        return Classes(field, np.zeros(1), (ramp[side],), 0.0, bins)
    steps = np.quantile(magnitude, np.linspace(0, 1, side + 1)[1:])
    steps = np.maximum.accumulate(steps)
    # Class k of the positive side: (steps[k-1], steps[k]]; negative mirrors it.
    v = values[ok]
    where = np.minimum(np.searchsorted(steps, np.abs(v), side="left"), side - 1)
    code = np.where(v > 0, side + 1 + where, np.where(v < 0, side - 1 - where, side))
    bins[ok] = code
    breaks = np.concatenate([-steps[::-1][1:], [0.0], [0.0], steps])
    return Classes(field, breaks, tuple(ramp), float(-steps[-1]), bins)


def classes_of(field: str, values: np.ndarray) -> Classes:
    """Diverging classes for a signed figure, quantile classes of positive values else."""
    if is_signed(values):
        return diverging_classes(field, values)
    return quantile_classes(field, values)
