"""Map labels with a halo that stay text in the PDF (found by search, read by pdftotext).

matplotlib draws a text with path effects (``withStroke``, the usual halo) as outlines:
readable, but a PDF viewer cannot find or copy it. :class:`HaloText` draws the halo as
outlines and then the text itself as text over it. Outlines come from a TrueType font
while the PDF's text may be in a core font (Helvetica, narrower than DejaVu): the halo
is stretched to the text's own width so that it neither sticks out nor falls short.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from matplotlib.patheffects import AbstractPathEffect
from matplotlib.text import Text

if TYPE_CHECKING:
    from matplotlib.axes import Axes


class _Halo(AbstractPathEffect):
    """Glyph outlines filled and stroked ``width`` points wide in ``color``, stretched
    ``xscale`` times along the text."""

    def __init__(self, width: float, color: str, xscale: float) -> None:
        super().__init__()
        self.width, self.color, self.xscale = width, color, xscale

    def draw_path(
        self, renderer: object, gc: object, tpath: object, affine: object, rgb_face: object = None
    ) -> None:
        from matplotlib.colors import to_rgb
        from matplotlib.transforms import Affine2D

        gc0 = renderer.new_gc()
        gc0.copy_properties(gc)
        gc0.set_linewidth(self.width)
        gc0.set_foreground(self.color)
        gc0.set_joinstyle("round")
        stretch = Affine2D().scale(self.xscale, 1.0) + affine
        renderer.draw_path(gc0, tpath, stretch, to_rgb(self.color))
        gc0.restore()


class HaloText(Text):
    """A text drawn over a halo of ``halo_width`` points in ``halo_color``."""

    def __init__(
        self, *args: object, halo_width: float = 2.0, halo_color: str = "white", **kw: object
    ) -> None:
        super().__init__(*args, **kw)
        self.halo_width = halo_width
        self.halo_color = halo_color

    def draw(self, renderer: object) -> None:
        """The halo (glyph outlines, stroked wide in the halo colour), then the text."""
        if not self.get_visible() or not self.get_text():
            return
        effects = self._path_effects
        try:
            self._path_effects = [_Halo(self.halo_width, self.halo_color, self._xscale(renderer))]
            super().draw(renderer)
        finally:
            self._path_effects = effects
        super().draw(renderer)

    def _xscale(self, renderer: object) -> float:
        """The text's width as the renderer writes it over the width of its outlines."""
        from matplotlib.textpath import text_to_path

        text, prop = self.get_text(), self.get_fontproperties()
        if "\n" in text:
            return 1.0
        drawn = renderer.get_text_width_height_descent(text, prop, ismath=False)[0]
        outline = text_to_path.get_text_width_height_descent(text, prop, ismath=False)[0]
        outline = renderer.points_to_pixels(outline)
        return drawn / outline if outline > 0 and drawn > 0 else 1.0


def halo_text(
    ax: Axes, x: float, y: float, text: str, halo_width: float = 2.0, **kw: object
) -> HaloText:
    """Add a :class:`HaloText` at ``(x, y)`` in data coordinates of ``ax``; ``kw`` as for
    ``Axes.text``."""
    artist = HaloText(x, y, text, halo_width=halo_width, **kw)
    ax.add_artist(artist)
    return artist
