"""Fonts of the PDF report: the PDF core fonts, with an embedded font for other scripts.

The core fonts (Helvetica, Courier) are not embedded: a page of them is written a few
times faster than one in an embedded DejaVu subset, whose every glyph matplotlib lays
out, tracks and writes one by one (a 10,000-account report spends most of its time
there). They cover only the Windows-1252 character set, so a text outside it — a
territory named "Αθήνα" or "Москва", an account in Japanese — is drawn in embedded
DejaVu, text by text: one Greek territory name no longer moves the whole report (its
account lists included) to the slow path.
"""

from __future__ import annotations

import functools
import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from matplotlib.text import Text

#: Text in the PDF core fonts: nothing embedded, but only the Windows-1252 characters.
CORE_FONTS_RC = {
    "pdf.use14corefonts": True,
    "font.family": "sans-serif",
    "font.sans-serif": ["Helvetica", "DejaVu Sans"],
    "font.monospace": ["Courier", "DejaVu Sans Mono"],
}
#: Text that the core fonts cannot write: DejaVu, embedded (subset) in the file.
EMBEDDED_RC = {
    "pdf.use14corefonts": False,
    "font.sans-serif": ["DejaVu Sans"],
    "font.monospace": ["DejaVu Sans Mono"],
}


def in_core_fonts(text: str) -> bool:
    """Whether ``text`` can be written in the PDF core fonts (Windows-1252)."""
    try:
        text.encode("cp1252")
    except UnicodeEncodeError:
        return False
    return True


_lock = threading.Lock()
_users = 0


def _draw_text_by_text(original: Callable) -> Callable:
    """``Text.draw`` that draws a text the core fonts cannot write in embedded DejaVu."""
    import matplotlib

    @functools.wraps(original)
    def draw(self: Text, renderer: object) -> None:
        if matplotlib.rcParams["pdf.use14corefonts"] and not in_core_fonts(self.get_text()):
            with matplotlib.rc_context(EMBEDDED_RC):
                return original(self, renderer)
        return original(self, renderer)

    draw.td_original = original  # type: ignore[attr-defined]
    return draw


@contextmanager
def core_fonts() -> Iterator[None]:
    """Draw every text of the figures saved inside in the core fonts where it can be.

    matplotlib chooses core or embedded fonts for a whole figure (``pdf.use14corefonts``
    is read when each text is measured and drawn); inside this context each text that the
    core fonts cannot write is drawn with that setting off, so the choice is made text by
    text — tick labels and legend entries included, as the check runs when a text is
    drawn. Outside the PDF (core fonts off) the drawing is unchanged.
    """
    import matplotlib
    from matplotlib.text import Text

    global _users
    with _lock:
        if _users == 0:
            Text.draw = _draw_text_by_text(Text.draw)  # type: ignore[method-assign]
        _users += 1
    log = logging.getLogger("matplotlib.font_manager")
    level = log.level
    # matplotlib notes that Helvetica has no TrueType file here: it needs none, the core
    # fonts are not embedded.
    log.setLevel(logging.ERROR)
    try:
        with matplotlib.rc_context(CORE_FONTS_RC):
            yield
    finally:
        log.setLevel(level)
        with _lock:
            _users -= 1
            if _users == 0:
                Text.draw = Text.draw.td_original  # type: ignore[attr-defined]
