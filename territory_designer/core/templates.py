"""Industry templates: what a sector balances on, which fields it expects, its rules.

A template is data (a TOML file, read by :mod:`territory_designer.io.templates`); this
module checks its content and applies it to a project. Applying writes these project
settings (saved with the project; an older project simply has none):

``template``
    The template's name.
``template_fields``
    ``[{name, label, synonyms, kind}]``: account fields with the header synonyms the
    account import matches and the labels reports use.
``workload``
    :class:`~territory_designer.core.workload.WorkloadParameters` as a dict.
``balance_field`` / ``balance_tolerance``
    The balance criterion (a field or a weighted-mix key) and its tolerance.
``constraints``
    ``{stay_within, licensed_states_field, state_field, max_accounts, max_distance_km,
    soft_targets: [{metric, min, max, ideal, weight}], within_level}`` (absent rules are
    None / []). ``within_level`` names a hierarchy level above the territories (build and
    rebalance inside each of its nodes).
``hierarchy_levels``
    Level names from the bottom up (``["territory", "district", "region"]``).
``report_kpis`` / ``report_columns``
    Territory figures and account columns the reports put first.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from territory_designer.core.criterion import mix_key
from territory_designer.core.errors import TerritoryDesignerError
from territory_designer.core.operation_base import Operation
from territory_designer.core.workload import WORKLOAD_SETTING, WorkloadParameters

if TYPE_CHECKING:
    from territory_designer.core.project import Project

TOP_KEYS = (
    "title", "description", "fields", "workload", "balance", "constraints", "hierarchy",
    "report",
)  # fmt: skip
FIELD_KEYS = ("name", "label", "synonyms", "kind")
FIELD_KINDS = ("text", "number")
BALANCE_KEYS = ("criterion", "mix", "tolerance")
CONSTRAINT_KEYS = (
    "stay_within", "licensed_states_field", "state_field", "max_accounts", "max_distance_km",
    "soft_targets", "within_level",
)  # fmt: skip
SOFT_TARGET_KEYS = ("metric", "min", "max", "ideal", "weight")
HIERARCHY_KEYS = ("levels",)
REPORT_KEYS = ("kpis", "columns")
WORKLOAD_KEYS = tuple(WorkloadParameters.__dataclass_fields__)
_TEXT_WORKLOAD = ("visits_field", "minutes_field", "decile_field", "segment_field")
_TABLE_WORKLOAD = ("visits_by_decile", "minutes_by_decile", "visits_by_segment",
                   "minutes_by_segment")  # fmt: skip
DEFAULT_LEVELS = ["territory", "district", "region"]
#: Settings a template writes (undo restores exactly these).
SETTING_KEYS = (
    "template", "template_fields", WORKLOAD_SETTING, "balance_field", "balance_tolerance",
    "constraints", "hierarchy_levels", "report_kpis", "report_columns",
)  # fmt: skip


class TemplateError(TerritoryDesignerError):
    """A template whose content is wrong; ``key`` is the dotted path of the bad key
    (``"workload.speed_kmh"``, ``"fields[2].kind"``) so a reader can find its line."""

    def __init__(self, message: str, key: tuple[str | int, ...] = ()) -> None:
        super().__init__(message)
        self.key = key


def key_text(key: tuple[str | int, ...]) -> str:
    """``("fields", 2, "kind")`` -> ``"fields[3].kind"`` (1-based, as a reader counts)."""
    out = ""
    for part in key:
        out += f"[{part + 1}]" if isinstance(part, int) else ("." if out else "") + part
    return out


@dataclass
class TemplateField:
    """An account field a template expects."""

    name: str
    label: str
    synonyms: list[str] = field(default_factory=list)
    kind: str = "text"


@dataclass
class Template:
    """A checked template.

    Attributes
    ----------
    name : str
        File name without ``.toml`` (what ``--template`` takes).
    title, description : str
        For lists and dialogs.
    fields : list of TemplateField
    workload : WorkloadParameters
    balance_on : str
        A field or a mix key (``"workload_hours=0.7,potential=0.3"``).
    tolerance : float
    constraints : dict
        See the module docstring.
    hierarchy_levels : list of str
    kpis, report_columns : list of str
    source : str
        Where it was read from (a file path or ``built-in``).
    """

    name: str
    title: str
    description: str = ""
    fields: list[TemplateField] = field(default_factory=list)
    workload: WorkloadParameters = field(default_factory=WorkloadParameters)
    balance_on: str = "accounts"
    tolerance: float = 0.05
    constraints: dict[str, Any] = field(default_factory=dict)
    hierarchy_levels: list[str] = field(default_factory=lambda: list(DEFAULT_LEVELS))
    kpis: list[str] = field(default_factory=list)
    report_columns: list[str] = field(default_factory=list)
    source: str = ""

    def labels(self) -> dict[str, str]:
        """Field name -> report label."""
        return {f.name: f.label for f in self.fields}

    def settings(self) -> dict[str, Any]:
        """The project settings applying this template writes."""
        return {
            "template": self.name,
            "template_fields": [
                {"name": f.name, "label": f.label, "synonyms": list(f.synonyms), "kind": f.kind}
                for f in self.fields
            ],
            WORKLOAD_SETTING: self.workload.to_dict(),
            "balance_field": self.balance_on,
            "balance_tolerance": self.tolerance,
            "constraints": copy.deepcopy(self.constraints),
            "hierarchy_levels": list(self.hierarchy_levels),
            "report_kpis": list(self.kpis),
            "report_columns": list(self.report_columns),
        }


# -- checking -------------------------------------------------------------------------------
def _table(data: dict, key: str, path: tuple, allowed: tuple[str, ...]) -> dict:
    value = data.get(key, {})
    if not isinstance(value, dict):
        raise TemplateError(f"{key_text((*path, key))} must be a table ([{key}])", (*path, key))
    _known_keys(value, (*path, key), allowed)
    return value


def _known_keys(value: dict, path: tuple, allowed: tuple[str, ...]) -> None:
    for k in value:
        if k not in allowed:
            where = f"in [{key_text(path)}]" if path else "at the top"
            raise TemplateError(
                f"unknown key {k!r} {where}; expected one of: {', '.join(allowed)}", (*path, k)
            )


def _text(value: Any, path: tuple, optional: bool = False) -> str | None:
    if optional and (value is None or value == ""):
        return None
    if not isinstance(value, str) or not value.strip():
        raise TemplateError(f"{key_text(path)} must be a non-empty text, not {value!r}", path)
    return value.strip()


def _number(value: Any, path: tuple, minimum: float | None = 0.0, positive=False) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TemplateError(f"{key_text(path)} must be a number, not {value!r}", path)
    if positive and not value > 0:
        raise TemplateError(f"{key_text(path)} must be more than 0, not {value!r}", path)
    if minimum is not None and value < minimum:
        raise TemplateError(f"{key_text(path)} must be {minimum:g} or more, not {value!r}", path)
    return float(value)


def _texts(value: Any, path: tuple) -> list[str]:
    if not isinstance(value, list):
        raise TemplateError(f"{key_text(path)} must be a list of texts", path)
    return [str(_text(v, (*path, i))) for i, v in enumerate(value)]


def _fields(data: dict) -> list[TemplateField]:
    raw = data.get("fields", [])
    if not isinstance(raw, list):
        raise TemplateError("fields must be a list of [[fields]] tables", ("fields",))
    out, seen = [], set()
    for i, f in enumerate(raw):
        path = ("fields", i)
        if not isinstance(f, dict):
            raise TemplateError(f"{key_text(path)} must be a [[fields]] table", path)
        _known_keys(f, path, FIELD_KEYS)
        if "name" not in f:
            raise TemplateError(f"{key_text(path)} has no name", path)
        name = str(_text(f["name"], (*path, "name")))
        if name.lower() in seen:
            raise TemplateError(f"field {name!r} is listed twice", (*path, "name"))
        seen.add(name.lower())
        label = str(_text(f.get("label", name), (*path, "label")))
        kind = f.get("kind", "text")
        if kind not in FIELD_KINDS:
            raise TemplateError(
                f"{key_text((*path, 'kind'))} must be one of {', '.join(FIELD_KINDS)}, "
                f"not {kind!r}",
                (*path, "kind"),
            )
        synonyms = _texts(f.get("synonyms", []), (*path, "synonyms"))
        out.append(TemplateField(name, label, synonyms, kind))
    return out


def _workload(data: dict) -> WorkloadParameters:
    raw = _table(data, "workload", (), WORKLOAD_KEYS)
    path = ("workload",)
    for k, v in raw.items():
        if k in _TEXT_WORKLOAD:
            _text(v, (*path, k), optional=True)
        elif k in _TABLE_WORKLOAD:
            if not isinstance(v, dict):
                raise TemplateError(f"{key_text((*path, k))} must be a table", (*path, k))
            for kk, vv in v.items():
                _number(vv, (*path, k, kk))
        elif k == "routing":
            if not isinstance(v, bool):
                raise TemplateError(f"{key_text((*path, k))} must be true or false", (*path, k))
        else:
            positive = k in ("circuity", "speed_kmh", "full_time_hours")
            _number(v, (*path, k), positive=positive)
    values = {k: (v or None) if k in _TEXT_WORKLOAD else v for k, v in raw.items()}
    return WorkloadParameters.from_dict(values)


def _balance(data: dict) -> tuple[str, float]:
    raw = _table(data, "balance", (), BALANCE_KEYS)
    path = ("balance",)
    if "criterion" in raw and "mix" in raw:
        raise TemplateError("[balance] takes criterion or mix, not both", (*path, "mix"))
    tolerance = _number(raw.get("tolerance", 0.05), (*path, "tolerance"))
    if tolerance >= 1:
        raise TemplateError(
            f"balance.tolerance is a fraction (0.05 = 5%), not {tolerance:g}",
            (*path, "tolerance"),
        )
    if "mix" in raw:
        mix = raw["mix"]
        if not isinstance(mix, dict) or not mix:
            raise TemplateError("balance.mix must be a table of field = weight", (*path, "mix"))
        weights = {str(k): _number(v, (*path, "mix", k)) for k, v in mix.items()}
        if not any(weights.values()):
            raise TemplateError("balance.mix has no weight above 0", (*path, "mix"))
        return mix_key(weights), tolerance
    return str(_text(raw.get("criterion", "accounts"), (*path, "criterion"))), tolerance


def _constraints(data: dict) -> dict[str, Any]:
    raw = _table(data, "constraints", (), CONSTRAINT_KEYS)
    path = ("constraints",)
    out: dict[str, Any] = {}
    for k in ("stay_within", "licensed_states_field", "state_field", "within_level"):
        out[k] = _text(raw.get(k), (*path, k), optional=True)
    if out["licensed_states_field"] and not out["state_field"]:
        out["state_field"] = "state"
    out["max_accounts"] = None
    if raw.get("max_accounts") not in (None, 0):
        value = raw["max_accounts"]
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise TemplateError(
                f"constraints.max_accounts must be a whole number of 1 or more, not {value!r}",
                (*path, "max_accounts"),
            )
        out["max_accounts"] = value
    out["max_distance_km"] = None
    if raw.get("max_distance_km") not in (None, 0):
        out["max_distance_km"] = _number(
            raw["max_distance_km"], (*path, "max_distance_km"), positive=True
        )
    targets = raw.get("soft_targets", [])
    if not isinstance(targets, list):
        raise TemplateError(
            "constraints.soft_targets must be a list of [[constraints.soft_targets]] tables",
            (*path, "soft_targets"),
        )
    out["soft_targets"] = []
    for i, t in enumerate(targets):
        tp = (*path, "soft_targets", i)
        if not isinstance(t, dict):
            raise TemplateError(f"{key_text(tp)} must be a table", tp)
        _known_keys(t, tp, SOFT_TARGET_KEYS)
        if "metric" not in t:
            raise TemplateError(f"{key_text(tp)} has no metric", tp)
        target = {"metric": _text(t["metric"], (*tp, "metric"))}
        for k in ("min", "max", "ideal"):
            target[k] = _number(t[k], (*tp, k), minimum=None) if k in t else None
        target["weight"] = _number(t.get("weight", 1.0), (*tp, "weight"))
        lo, hi = target["min"], target["max"]
        if lo is not None and hi is not None and lo > hi:
            raise TemplateError(f"{key_text(tp)}: min {lo:g} is above max {hi:g}", (*tp, "min"))
        out["soft_targets"].append(target)
    return out


def _check_within_level(level: str | None, levels: list[str]) -> None:
    """Refuse a ``within_level`` that is not a hierarchy level above the territories."""
    if level and level not in levels[1:]:
        above = ", ".join(levels[1:]) or "none: hierarchy.levels has only the territory level"
        raise TemplateError(
            f"constraints.within_level {level!r} is not a hierarchy level above the "
            f"territories (levels: {above})",
            ("constraints", "within_level"),
        )


def parse_template(data: dict[str, Any], name: str, source: str = "") -> Template:
    """Check a template read from TOML and return it.

    Raises
    ------
    TemplateError
        Naming the bad key (``error.key``) and what is wrong with it.
    """
    _known_keys(data, (), TOP_KEYS)
    title = _text(data.get("title", name), ("title",)) or name
    description = data.get("description", "")
    if not isinstance(description, str):
        raise TemplateError("description must be a text", ("description",))
    fields_ = _fields(data)
    workload = _workload(data)
    balance_on, tolerance = _balance(data)
    constraints = _constraints(data)
    hierarchy = _table(data, "hierarchy", (), HIERARCHY_KEYS)
    levels = _texts(hierarchy.get("levels", DEFAULT_LEVELS), ("hierarchy", "levels"))
    if not levels:
        raise TemplateError("hierarchy.levels needs at least one level", ("hierarchy", "levels"))
    _check_within_level(constraints.get("within_level"), levels)
    report = _table(data, "report", (), REPORT_KEYS)
    return Template(
        name=name,
        title=title,
        description=description.strip(),
        fields=fields_,
        workload=workload,
        balance_on=balance_on,
        tolerance=tolerance,
        constraints=constraints,
        hierarchy_levels=levels,
        kpis=_texts(report.get("kpis", []), ("report", "kpis")),
        report_columns=_texts(report.get("columns", []), ("report", "columns")),
        source=source,
    )


# -- applying -------------------------------------------------------------------------------
class ApplyTemplate(Operation):
    """Write a template's settings into a project; undo restores the previous ones."""

    def __init__(self, template: Template) -> None:
        self.template = template
        self.text = f"Apply template {template.title}"
        self.old: dict[str, Any] = {}

    def apply(self, project: Project) -> None:
        """Set the settings (see the module docstring)."""
        self.old = {k: copy.deepcopy(project.settings[k]) for k in SETTING_KEYS
                    if k in project.settings}  # fmt: skip
        project.settings.update(self.template.settings())
        project.events.emit("settings_changed", key="template")
        project._touch()

    def undo(self, project: Project) -> None:
        """Put back the settings from before :meth:`apply`."""
        for k in SETTING_KEYS:
            project.settings.pop(k, None)
        project.settings.update(self.old)
        project.events.emit("settings_changed", key="template")
        project._touch()


def apply_template(project: Project, template: Template) -> ApplyTemplate:
    """Apply ``template`` to ``project`` and return the undoable operation."""
    return project.apply(ApplyTemplate(template))  # type: ignore[return-value]


def template_labels(project: Project) -> dict[str, str]:
    """Field name -> report label of the project's template ({} without one)."""
    return {
        str(f.get("name")): str(f.get("label") or f.get("name"))
        for f in project.settings.get("template_fields") or []
    }
