"""A minimal synchronous event emitter for the model.

The model emits events named after what changed (``assignment_changed``,
``territories_changed``, ...); the UI subscribes and refreshes. Callbacks receive keyword
arguments only so that new information can be added without breaking subscribers.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any

Callback = Callable[..., Any]


class EventEmitter:
    """Named events with connect/disconnect/emit.

    Examples
    --------
    >>> ev = EventEmitter()
    >>> seen = []
    >>> ev.connect("changed", lambda **kw: seen.append(kw))
    >>> ev.emit("changed", units=[1])
    >>> seen
    [{'units': [1]}]
    """

    def __init__(self) -> None:
        self._callbacks: dict[str, list[Callback]] = defaultdict(list)
        self._blocked = 0

    def connect(self, name: str, callback: Callback) -> None:
        """Call ``callback(**kwargs)`` whenever ``name`` is emitted."""
        if callback not in self._callbacks[name]:
            self._callbacks[name].append(callback)

    def disconnect(self, name: str, callback: Callback) -> None:
        """Stop calling ``callback`` for ``name`` (no error if not connected)."""
        if callback in self._callbacks.get(name, []):
            self._callbacks[name].remove(callback)

    def emit(self, name: str, **kwargs: Any) -> None:
        """Call every callback connected to ``name`` with ``kwargs``."""
        if self._blocked:
            return
        for callback in list(self._callbacks.get(name, [])):
            callback(**kwargs)

    def block(self) -> None:
        """Suppress emission until :meth:`unblock` (nested calls are counted)."""
        self._blocked += 1

    def unblock(self) -> None:
        """Undo one :meth:`block`."""
        self._blocked = max(0, self._blocked - 1)
