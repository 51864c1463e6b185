"""Reports and exports: Excel, PDF, offline HTML map, GIS files and CRM assignment lists.

Qt-free. Usage::

    from territory_designer.reports import ExportOptions, export
    export("excel", project, "plan.xlsx", ExportOptions(plan="Working draft"))

Formats (see :func:`exporters`): ``excel``, ``pdf``, ``html``, ``gpkg``, ``shp`` (folder),
``geojson``, ``assignments`` (.csv or .xlsx).
"""

from territory_designer.reports.registry import (
    Exporter,
    ExportError,
    ExportOptions,
    export,
    exporter,
    exporters,
    get_exporter,
)

__all__ = [
    "ExportError",
    "ExportOptions",
    "Exporter",
    "export",
    "exporter",
    "exporters",
    "get_exporter",
]
