"""The criterion a plan was built or rebalanced on: a field or a weighted mix, and a tolerance.

A plan built on revenue must be reported as balanced on revenue, not on whatever metric the
project shows by default, so every built or rebalanced plan records its
:class:`BalanceCriterion` (saved with the plan). A mix such as ``{"accounts": 0.6,
"revenue": 0.4}`` balances ``0.6 * accounts / total accounts + 0.4 * revenue / total
revenue``; it is named by its *key* ``"accounts=0.6,revenue=0.4"`` wherever a metric name is
expected (:func:`parse_mix` reads it back) and shown as ``"Accounts 60% + revenue 40%"``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field


@dataclass
class BalanceCriterion:
    """What a plan was balanced on.

    Attributes
    ----------
    weights : dict of str to float
        ``{field: coefficient}``; a single entry is a plain field.
    tolerance : float, optional
        Allowed deviation the run aimed at (0.05 = +/-5 %).
    """

    weights: dict[str, float] = field(default_factory=dict)
    tolerance: float | None = None

    @classmethod
    def of(cls, balance_on: str | dict[str, float], tolerance: float | None) -> BalanceCriterion:
        """The criterion of a run given a field, a mix key or a ``{field: coefficient}``."""
        if isinstance(balance_on, str):
            balance_on = parse_mix(balance_on) or {balance_on: 1.0}
        weights = {str(k): float(v) for k, v in balance_on.items() if float(v) != 0}
        if len(weights) == 1:
            weights = {next(iter(weights)): 1.0}
        return cls(weights, None if tolerance is None else float(tolerance))

    @property
    def key(self) -> str:
        """A field name, or ``"a=0.6,b=0.4"`` for a mix (usable as a metric name)."""
        if len(self.weights) == 1:
            return next(iter(self.weights))
        return mix_key(self.weights)

    @property
    def fields(self) -> list[str]:
        """The fields the criterion uses."""
        return list(self.weights)

    def describe(self) -> str:
        """``"Revenue, tolerance ±5%"``: the criterion as a report states it."""
        text = criterion_label(self.key)
        if self.tolerance is not None:
            text += f", tolerance ±{self.tolerance * 100:g}%"
        return text

    def to_json(self) -> str:
        """Text saved with the plan."""
        return json.dumps({"weights": self.weights, "tolerance": self.tolerance})

    @classmethod
    def from_json(cls, text: str | None) -> BalanceCriterion | None:
        """Read :meth:`to_json` text back (None for a plan saved without one)."""
        if not text:
            return None
        try:
            data = json.loads(text)
            weights = {str(k): float(v) for k, v in dict(data.get("weights") or {}).items()}
            tolerance = data.get("tolerance")
            tolerance = None if tolerance is None else float(tolerance)
        except (ValueError, TypeError, AttributeError):
            return None  # a damaged record: the plan is shown on the project's default
        return cls(weights, tolerance) if weights else None


def mix_key(weights: dict[str, float]) -> str:
    """``{"a": 0.6, "b": 0.4}`` -> ``"a=0.6,b=0.4"``."""
    return ",".join(f"{name}={coef:g}" for name, coef in weights.items())


def parse_mix(key: str) -> dict[str, float] | None:
    """``"a=0.6,b=0.4"`` -> ``{"a": 0.6, "b": 0.4}``; None when ``key`` is not a mix."""
    if "=" not in key:
        return None
    out: dict[str, float] = {}
    for part in key.split(","):
        name, sep, value = part.rpartition("=")
        try:
            out[name.strip()] = float(value)
        except ValueError:
            return None
        if not sep or not name.strip():
            return None
    return out


#: Report labels of fields (an industry template's ``decile`` -> ``"Rx decile"``), set
#: for the time of an export with :func:`field_labels`.
_LABELS: ContextVar[dict[str, str] | None] = ContextVar("field_labels", default=None)


@contextmanager
def field_labels(labels: dict[str, str]) -> Iterator[None]:
    """Headings name fields by ``labels`` (field -> label) inside the block."""
    token = _LABELS.set(dict(labels))
    try:
        yield
    finally:
        _LABELS.reset(token)


def field_heading(name: str) -> str:
    """A heading for one field (``visits_per_year`` -> ``Visits per year``, or the label
    an industry template gives it while :func:`field_labels` is in force)."""
    label = (_LABELS.get() or {}).get(str(name))
    if label:
        return label
    text = str(name).replace("_", " ").strip()
    return text[:1].upper() + text[1:] if text else str(name)


def criterion_label(key: str) -> str:
    """A heading for a field or a mix key (``"accounts=0.6,revenue=0.4"`` ->
    ``"Accounts 60% + revenue 40%"``)."""
    mix = parse_mix(key)
    if mix is None:
        return field_heading(key)
    total = sum(mix.values()) or 1.0
    labels = _LABELS.get() or {}
    parts = [
        f"{labels.get(name) or name.replace('_', ' ')} {coef / total * 100:.0f}%"
        for name, coef in mix.items()
    ]
    return field_heading(" + ".join(parts))
