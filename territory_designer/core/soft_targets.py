"""Soft targets: per metric, a minimum, maximum, ideal and weight each territory should meet
(as Esri Territory Design's attribute constraints); unlike the hard rules of
:mod:`territory_designer.core.rules` they are reported, not enforced.

A target is a dict ``{"metric", "min", "max", "ideal", "weight"}`` in
``settings["constraints"]["soft_targets"]``; any of min, max and ideal may be missing.
A territory meets a target when its value lies within [min, max]; its miss is the weighted
relative distance from the ideal (or from the nearer bound when there is no ideal).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from territory_designer.core.errors import EditError
from territory_designer.core.rules import CONSTRAINTS_KEY, constraints_of, set_constraints

if TYPE_CHECKING:
    from territory_designer.core.plan import Plan
    from territory_designer.core.project import Project

_KEYS = ("min", "max", "ideal", "weight")


@dataclass
class TargetCheck:
    """One territory against one soft target."""

    metric: str
    territory: str
    name: str
    value: float
    min: float | None
    max: float | None
    ideal: float | None
    weight: float
    met: bool
    miss_pct: float

    def as_dict(self) -> dict[str, Any]:
        """Plain data (for JSON)."""
        return asdict(self)


def parse_target(text: str) -> dict[str, Any]:
    """``"revenue:min=100,max=200,ideal=150,weight=2"`` → a target dict.

    Raises
    ------
    EditError
        A malformed text, naming the part at fault.
    """
    metric, _, rest = text.partition(":")
    if not metric.strip() or not rest.strip():
        raise EditError(f"Soft target {text!r}: write METRIC:min=..,max=..,ideal=..,weight=..")
    target: dict[str, Any] = {"metric": metric.strip(), "weight": 1.0}
    for part in rest.split(","):
        key, _, value = part.partition("=")
        key = key.strip().lower()
        if key not in _KEYS:
            raise EditError(f"Soft target {text!r}: unknown key {key!r} (use {', '.join(_KEYS)}).")
        try:
            target[key] = float(value)
        except ValueError:
            raise EditError(f"Soft target {text!r}: {key} is not a number: {value!r}.") from None
    lo, hi = target.get("min"), target.get("max")
    if lo is not None and hi is not None and lo > hi:
        raise EditError(f"Soft target {text!r}: min is above max.")
    return target


def add_soft_target(project: Project, target: dict[str, Any]) -> None:
    """Add a soft target (replacing one on the same metric)."""
    if not project.is_metric(target["metric"]):
        raise EditError(
            f"No metric {target['metric']!r} for a soft target; "
            f"choose one of {', '.join(project.weight_fields)}."
        )
    current = project.settings.get(CONSTRAINTS_KEY) or {}
    targets = [t for t in current.get("soft_targets") or [] if t["metric"] != target["metric"]]
    set_constraints(project, soft_targets=[*targets, target])


def check_soft_targets(project: Project, plan: Plan | None = None) -> list[TargetCheck]:
    """Every territory of ``plan`` (the active plan by default) against every soft target."""
    plan = plan or project.plan
    metrics = project.metrics if plan is project.plan else project.metrics_for(plan)
    out = []
    for target in constraints_of(project).soft_targets:
        metric = target.get("metric")
        if not project.is_metric(metric):
            continue
        values = metrics.values(metric)
        lo, hi, ideal = target.get("min"), target.get("max"), target.get("ideal")
        weight = float(target.get("weight", 1.0) or 0.0)
        for code, t in plan.territories.items():
            v = float(values.get(code, 0.0))
            met = (lo is None or v >= lo - 1e-9) and (hi is None or v <= hi + 1e-9)
            out.append(
                TargetCheck(
                    metric,
                    t.id,
                    t.name,
                    v,
                    lo,
                    hi,
                    ideal,
                    weight,
                    met,
                    _miss_pct(v, lo, hi, ideal) * weight,
                )
            )
    return out


def _miss_pct(v: float, lo: float | None, hi: float | None, ideal: float | None) -> float:
    """Relative distance (%) from the ideal, or outside [min, max] without one."""
    if ideal is not None:
        return abs(v - ideal) / max(abs(ideal), 1e-12) * 100
    if lo is not None and v < lo:
        return (lo - v) / max(abs(lo), 1e-12) * 100
    if hi is not None and v > hi:
        return (v - hi) / max(abs(hi), 1e-12) * 100
    return 0.0
