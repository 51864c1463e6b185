"""Leaflet and Leaflet.markercluster, inlined so the exported map needs no network.

folium links Leaflet, jQuery, Bootstrap and Font Awesome from CDNs; offline such a page
renders nothing. The same Leaflet (1.9.3, folium's version) and markercluster files ship
on PyPI as the dependency-free packages ``xstatic-leaflet`` and
``xstatic-leaflet-markercluster``; their files are inlined here, images as data URIs.
The page uses neither jQuery nor Bootstrap, so those are dropped.
"""

from __future__ import annotations

import base64
import re
from functools import cache
from pathlib import Path

from territory_designer.reports.registry import ExportError

_CSS_COMMENT = re.compile(r"/\*.*?\*/", re.DOTALL)
_SOURCE_MAP = re.compile(r"^\s*//# sourceMappingURL=.*$", re.MULTILINE)
_CSS_URL = re.compile(r"url\((['\"]?)(images/[^)'\"]+)\1\)")


def _data_dir(package: str) -> Path:
    try:
        if package == "leaflet":
            import xstatic.pkg.leaflet as pkg
        else:
            import xstatic.pkg.leaflet_markercluster as pkg
    except ImportError as exc:
        name = "xstatic-leaflet" if package == "leaflet" else "xstatic-leaflet-markercluster"
        raise ExportError(
            f"The HTML map needs the Python package {name!r}; install it with pip."
        ) from exc
    return Path(pkg.BASE_DIR)


def _js(text: str) -> str:
    """Inline-safe JavaScript: no source map comment, no literal ``http://``.

    ``"http:\\/\\/x"`` is the same string as ``"http://x"`` in JavaScript (in strings,
    regular expressions and comments alike), so namespace URIs such as SVG's keep working
    while the file holds no address a scanner or browser could fetch.
    """
    text = _SOURCE_MAP.sub("", text)
    text = re.sub(r"(?i)(https?):\/\/", r"\1:\\/\\/", text)
    return text.replace("</script", "<\\/script")


def _css(text: str, base: Path) -> str:
    text = _CSS_COMMENT.sub("", text)

    def inline(match: re.Match[str]) -> str:
        path = base / match.group(2)
        if not path.exists():
            return "none"
        data = base64.b64encode(path.read_bytes()).decode("ascii")
        return f"url(data:image/png;base64,{data})"

    text = _CSS_URL.sub(inline, text)
    return text.replace("</style", "<\\/style")


@cache
def leaflet_head(cluster: bool = True) -> str:
    """``<style>`` and ``<script>`` elements holding Leaflet (and markercluster)."""
    leaflet = _data_dir("leaflet")
    parts = [
        "<style>" + _css((leaflet / "leaflet.css").read_text("utf-8"), leaflet) + "</style>",
        "<script>" + _js((leaflet / "leaflet.js").read_text("utf-8")) + "</script>",
    ]
    if cluster:
        mc = _data_dir("markercluster")
        css = "".join(
            _css((mc / name).read_text("utf-8"), mc)
            for name in ("MarkerCluster.css",)  # .Default.css: green/amber/red bubbles
        )
        parts.insert(1, "<style>" + css + "</style>")
        parts.append(
            "<script>" + _js((mc / "leaflet.markercluster.js").read_text("utf-8")) + "</script>"
        )
    return "\n".join(parts)


def find_urls(html: str) -> list[str]:
    """Every ``http://`` / ``https://`` reference in ``html`` (should be none)."""
    return re.findall(r"(?i)https?://[^\s\"'<>)]*", html)
