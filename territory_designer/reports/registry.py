"""The exporter registry: one registered function per output format.

After glue's ``@data_factory``: a new format is one decorated function, not edits across
dialogs and the command line. Every exporter has the signature
``export_xxx(project, path, options, feedback) -> Path`` and writes atomically, so an
export that fails or is cancelled leaves nothing under the target name.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from territory_designer.core.criterion import field_labels
from territory_designer.core.errors import TerritoryDesignerError
from territory_designer.core.feedback import Feedback
from territory_designer.core.templates import template_labels

if TYPE_CHECKING:
    from territory_designer.core.project import Project

#: Modules whose import registers the built-in exporters.
BUILTIN_MODULES = (
    "territory_designer.reports.excel",
    "territory_designer.reports.pdf",
    "territory_designer.reports.webmap",
    "territory_designer.reports.gis",
    "territory_designer.reports.assignments",
    "territory_designer.reports.proposal",
)

#: ``(name, label)`` of every built-in exporter in registration order, so that a menu can
#: list them without importing their modules (matplotlib, folium…); a test keeps this in
#: step with what the modules register.
BUILTIN_FORMATS = (
    ("excel", "Excel workbook"),
    ("pdf", "PDF report"),
    ("pdf-per-territory", "PDF per territory (folder)"),
    ("html", "Interactive HTML map"),
    ("gpkg", "GeoPackage"),
    ("geojson", "GeoJSON"),
    ("shp", "Shapefiles (folder)"),
    ("assignments", "Assignment list (CRM)"),
    ("account-assignments", "Account assignments (CRM)"),
    ("proposal", "Proposal workbooks for review (folder)"),
)

#: Layers the GIS exporters can write.
GIS_LAYERS = ("territories", "units", "accounts")

PAPER_SIZES = {"a4": (8.27, 11.69), "letter": (8.5, 11.0)}


class ExportError(TerritoryDesignerError):
    """An export that cannot be written (bad path, unknown format, missing library)."""


class TooManyRowsError(ExportError):
    """A table longer than the output format holds (an Excel sheet: 1,048,576 rows)."""


@dataclass
class ExportOptions:
    """Choices shared by the exporters (each reads the ones it understands).

    Attributes
    ----------
    plan : str, optional
        Plan to export (default: the active plan). The project is not modified.
    paper : str
        ``"a4"`` or ``"letter"`` (PDF report).
    title : str, optional
        Report title (default: the plan name).
    sheets : set of str, optional
        Excel sheets to write, among ``summary``, ``territories``, ``units``, ``accounts``,
        ``changes`` (default: all that apply).
    include_map : bool
        Map image on the Excel summary sheet.
    include_units : bool, optional
        Unit outlines layer in the HTML map (default: when the layer has at most
        5,000 units).
    include_accounts : bool
        Account points in the HTML map and PDF pages.
    basemap : bool
        The offline basemap (coastlines, borders, lakes, city names) under the PDF and
        Excel maps.
    layers : tuple of str
        GIS layers to write: any of ``territories``, ``units`` and ``accounts`` (the last
        only when the project has accounts).
    gis_crs : str, optional
        CRS for GeoPackage and shapefiles, e.g. ``"EPSG:4326"`` (default: the project's).
    """

    plan: str | None = None
    paper: str = "a4"
    title: str | None = None
    sheets: set[str] | None = None
    include_map: bool = True
    include_units: bool | None = None
    include_accounts: bool = True
    basemap: bool = True
    layers: tuple[str, ...] = ("territories", "units", "accounts")
    gis_crs: str | None = None

    def __post_init__(self) -> None:
        self.paper = str(self.paper).lower()
        if self.paper not in PAPER_SIZES:
            raise ExportError(f"Unknown paper size {self.paper!r}; use 'a4' or 'letter'.")
        if self.gis_crs:
            from pyproj import CRS
            from pyproj.exceptions import CRSError

            try:
                CRS.from_user_input(self.gis_crs)
            except CRSError as exc:
                raise ExportError(
                    f"GIS CRS {self.gis_crs}: not a coordinate system PROJ knows (try EPSG:4326)."
                ) from exc
        bad = set(self.layers) - set(GIS_LAYERS)
        if bad or not self.layers:
            raise ExportError("GIS layers must be among 'territories', 'units', 'accounts'.")


ExportFunction = Callable[["Project", Path, ExportOptions, Feedback], Path]


@dataclass(frozen=True)
class Exporter:
    """A registered output format."""

    name: str
    label: str
    suffixes: tuple[str, ...]
    function: ExportFunction
    is_folder: bool = False


_REGISTRY: dict[str, Exporter] = {}


def exporter(
    name: str, *, label: str, suffixes: tuple[str, ...] = (), is_folder: bool = False
) -> Callable[[ExportFunction], ExportFunction]:
    """Register ``function`` as the exporter of format ``name``.

    Parameters
    ----------
    name : str
        Key used by :func:`export` and the command line (``"excel"``, ``"pdf"``...).
    label : str
        What a file dialog shows (``"Excel workbook"``).
    suffixes : tuple of str
        File name endings this format writes (``(".xlsx",)``); empty for folders.
    is_folder : bool
        True when the target is a folder (shapefiles).
    """

    def register(function: ExportFunction) -> ExportFunction:
        _REGISTRY[name] = Exporter(name, label, tuple(suffixes), function, is_folder)
        return function

    return register


def _load_builtins() -> None:
    for module in BUILTIN_MODULES:
        importlib.import_module(module)


def exporters() -> dict[str, Exporter]:
    """Every registered exporter by name."""
    _load_builtins()
    return dict(_REGISTRY)


def format_labels() -> list[tuple[str, str]]:
    """``(name, label)`` of every exporter, the built-in ones first (in the order of
    :func:`exporters`), without importing the built-in exporters' modules."""
    builtin = dict(BUILTIN_FORMATS)
    others = [(name, ex.label) for name, ex in _REGISTRY.items() if name not in builtin]
    return [*BUILTIN_FORMATS, *others]


def get_exporter(name: str) -> Exporter:
    """The exporter called ``name`` (:class:`ExportError` if unknown)."""
    table = exporters()
    if name not in table:
        raise ExportError(f"Unknown export format {name!r}; choose one of {sorted(table)}.")
    return table[name]


def _check_target(ex: Exporter, path: Path) -> None:
    if ex.is_folder:
        if path.exists() and not path.is_dir():
            raise ExportError(f"Cannot write {ex.label} to {path}: it is a file, not a folder.")
        if not path.parent.exists():
            raise ExportError(f"Cannot write {path}: folder {path.parent} does not exist.")
        return
    if path.is_dir():
        raise ExportError(f"Cannot write {ex.label} to {path}: it is a folder.")
    if not path.parent.exists():
        raise ExportError(f"Cannot write {path}: folder {path.parent} does not exist.")
    if ex.suffixes and path.suffix.lower() not in ex.suffixes:
        raise ExportError(
            f"Cannot write {ex.label} to {path}: the file name must end in "
            f"{' or '.join(ex.suffixes)}."
        )


def os_reason(exc: OSError) -> str:
    """The operating system's reason for ``exc`` without the path (it is named already)."""
    if exc.errno is not None:
        return os.strerror(exc.errno)
    return str(exc) or type(exc).__name__


def export(
    name: str,
    project: Project,
    path: Path | str,
    options: ExportOptions | None = None,
    feedback: Feedback | None = None,
) -> Path:
    """Write ``project`` in format ``name`` to ``path`` and return the path written.

    Raises :class:`ExportError` for a bad target, a plan with no territories or a write
    the operating system refuses (read-only folder, full disk), :class:`CanceledError`
    when ``feedback`` was cancelled; in every case nothing is left under ``path`` and a
    file already there is kept as it was.
    """
    ex = get_exporter(name)
    path = Path(path)
    _check_target(ex, path)
    options = options or ExportOptions()
    feedback = feedback or Feedback()
    if options.plan is not None and options.plan not in project.plans:
        raise ExportError(f"No plan named {options.plan!r}; plans: {', '.join(project.plans)}.")
    plan_name = options.plan or project.active_plan_name
    if not project.plans[plan_name].territories:
        raise ExportError(
            f"Cannot write {ex.label} to {path}: plan {plan_name!r} has no territories yet "
            "(build territories, or add one and paint units into it, first)."
        )
    feedback.set_progress(0, f"Exporting {ex.label}")
    try:
        # Headings use the labels of the project's industry template ("Rx decile").
        with field_labels(template_labels(project)):
            out = ex.function(project, path, options, feedback)
    except TooManyRowsError as exc:
        raise ExportError(f"Cannot write {ex.label} to {path}: {exc}") from exc
    except OSError as exc:
        # A read-only folder, a full disk, a folder replaced by a file: the user can act on
        # these, so they get one line naming the target rather than an internal error.
        raise ExportError(f"Cannot write {ex.label} to {path}: {os_reason(exc)}.") from exc
    feedback.set_progress(100, f"Wrote {out.name}")
    return out
