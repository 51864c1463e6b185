"""Draw the application icon: ``resources/icons/territory-designer.{png,ico,icns}``.

Four territories in the map's palette, split by white borders, on a rounded tile, with
a home-base pin. Drawn with Qt (offscreen) so it needs nothing beyond the app's own
dependencies; the ``.ico`` (Windows) and ``.icns`` (macOS) are written with Pillow,
which matplotlib already brings. Run ``python installer/make_icon.py`` after changing
the drawing and commit the three files.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ICONS = ROOT / "resources" / "icons"
NAME = "territory-designer"
SIZE = 1024
#: Four palette colours of the app (teal, orange, purple, green).
COLORS = ("#1b9e77", "#d95f02", "#7570b3", "#66a61e")
#: The territories, as polygons on a 0..1 square.
SHAPES = (
    [(0.0, 0.0), (0.55, 0.0), (0.48, 0.42), (0.0, 0.5)],
    [(0.55, 0.0), (1.0, 0.0), (1.0, 0.58), (0.62, 0.52), (0.48, 0.42)],
    [(0.0, 0.5), (0.48, 0.42), (0.62, 0.52), (0.5, 1.0), (0.0, 1.0)],
    [(0.62, 0.52), (1.0, 0.58), (1.0, 1.0), (0.5, 1.0)],
)


def draw(size: int = SIZE):
    """The icon as a ``QImage`` of ``size`` pixels."""
    from PySide6.QtCore import QPointF, QRectF, Qt
    from PySide6.QtGui import QBrush, QColor, QImage, QPainter, QPainterPath, QPen, QPolygonF

    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    p = QPainter(image)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    margin = size * 0.06
    tile = QRectF(margin, margin, size - 2 * margin, size - 2 * margin)
    clip = QPainterPath()
    clip.addRoundedRect(tile, size * 0.18, size * 0.18)
    p.setClipPath(clip)
    for color, shape in zip(COLORS, SHAPES, strict=True):
        poly = QPolygonF(
            [
                QPointF(tile.left() + x * tile.width(), tile.top() + y * tile.height())
                for x, y in shape
            ]
        )
        p.setBrush(QBrush(QColor(color)))
        p.setPen(
            QPen(
                QColor("white"),
                size * 0.03,
                Qt.PenStyle.SolidLine,
                Qt.PenCapStyle.RoundCap,
                Qt.PenJoinStyle.RoundJoin,
            )
        )
        p.drawPolygon(poly)
    p.setClipping(False)
    # home-base pin
    cx, cy, r = size * 0.5, size * 0.47, size * 0.13
    pin = QPainterPath()
    pin.moveTo(cx, cy + r * 2.1)
    pin.arcTo(QRectF(cx - r, cy - r, 2 * r, 2 * r), 225, -270)
    pin.closeSubpath()
    p.setPen(QPen(QColor("white"), size * 0.025))
    p.setBrush(QBrush(QColor("#263238")))
    p.drawPath(pin)
    p.setBrush(QBrush(QColor("white")))
    p.setPen(Qt.PenStyle.NoPen)
    p.drawEllipse(QPointF(cx, cy), r * 0.42, r * 0.42)
    p.end()
    return image


def main() -> int:
    """Write the PNG, ICO and ICNS files."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PIL import Image
    from PySide6.QtGui import QGuiApplication

    _app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    ICONS.mkdir(parents=True, exist_ok=True)
    big = ICONS / f"{NAME}-1024.png"
    draw().save(str(big))
    image = Image.open(big)
    image.resize((256, 256), Image.LANCZOS).save(ICONS / f"{NAME}.png")
    image.save(ICONS / f"{NAME}.ico", sizes=[(s, s) for s in (16, 24, 32, 48, 64, 128, 256)])
    image.save(ICONS / f"{NAME}.icns")
    big.unlink()
    for f in sorted(ICONS.glob(f"{NAME}.*")):
        print(f"wrote {f.relative_to(ROOT)} ({f.stat().st_size // 1024} KB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
