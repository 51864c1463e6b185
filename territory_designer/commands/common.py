"""Helpers shared by the command modules."""

from __future__ import annotations

import warnings
from pathlib import Path

from territory_designer.core.errors import TerritoryDesignerError


def out_path(value: str, what: str = "file") -> Path:
    """Validate an output path: not a folder, in a folder that exists."""
    out = Path(value)
    if out.exists() and out.is_dir():
        raise TerritoryDesignerError(f"{out} is a folder; give a {what} name.")
    if not out.parent.exists():
        raise TerritoryDesignerError(f"Cannot write {out}: folder {out.parent} does not exist.")
    return out


def save_project_file(project: object, args: object) -> str:
    """Save ``project`` where the command writes: ``--out`` when given (checked with
    :func:`out_path`), else over the project file named on the command line. Returns the
    path written; a command's ``--dry-run`` is for the caller to honour."""
    from territory_designer.io.project_file import save_project

    out = getattr(args, "out", None)
    target = out_path(out, "project file") if out else args.project  # type: ignore[attr-defined]
    save_project(project, target)  # type: ignore[arg-type]
    return str(target)


def load(path: str, plan: str | None = None) -> object:
    """Open a project and optionally activate a plan (clear error when unknown)."""
    from territory_designer.io.project_file import load_project

    # Polygons and display levels are read when first used: a build needs neither.
    project = load_project(path, lazy=True)
    if plan:
        if plan not in project.plans:
            raise TerritoryDesignerError(
                f"{path}: no plan named {plan!r} (plans: {', '.join(project.plans)})."
            )
        project.set_active_plan(plan)
    return project


def crs_label(crs: object) -> str | None:
    """EPSG code when there is one, else the PROJ string."""
    if crs is None:
        return None
    epsg = crs.to_epsg()  # type: ignore[attr-defined]
    if epsg:
        return f"EPSG:{epsg}"
    with warnings.catch_warnings():  # a PROJ string is lossy, but short and readable here
        warnings.simplefilter("ignore", UserWarning)
        return crs.to_proj4()  # type: ignore[attr-defined]


def crs_title(crs: object) -> str:
    """A CRS as people read it: ``EPSG:5070 (NAD83 / Conus Albers)``, or its name."""
    if crs is None:
        return "none (planar coordinates)"
    label, name = crs_label(crs), crs.name  # type: ignore[attr-defined]
    if label and label.startswith("EPSG:"):
        return f"{label} ({name})"
    return name if name and name != "unknown" else str(label)


def contiguity_phrase(figures: dict) -> str:
    """``contiguous`` or ``NOT contiguous (2 territories in several pieces (...))`` from the
    figures of a plan summary or an engine report (as plain data)."""
    from territory_designer.core.metrics import describe_contiguity

    text = describe_contiguity(
        figures["contiguous"],
        figures["territories_in_pieces"],
        figures["island_pieces"],
        figures["extra_pieces"],
    )
    return "contiguous" if figures["contiguous"] else f"NOT contiguous ({text[4:]})"
