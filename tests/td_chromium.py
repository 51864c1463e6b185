"""Drive headless Chromium over the DevTools protocol on a pipe (no websocket, no package).

``chromium --headless --screenshot --window-size=390,844`` lays the page out 500 px wide
(the headless window's minimum), so a phone check needs device emulation: this opens a
page with ``Emulation.setDeviceMetricsOverride`` (a 390 x 844 phone, touch on), records
every network request the page makes, runs JavaScript in it and takes screenshots.

Networking is cut (``--proxy-server`` to a closed local port), so a request that slipped
through would fail in the browser — and is still listed in :attr:`Page.requests`.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import select
import subprocess
import time
from pathlib import Path
from typing import Any


class ChromiumError(RuntimeError):
    """The browser did not answer, or answered with an error."""


class Page:
    """One headless Chromium with one page, emulating a screen of ``width`` x ``height``.

    Use as a context manager; the browser is closed on exit.
    """

    def __init__(
        self,
        chromium: str,
        profile: Path,
        width: int = 1280,
        height: int = 800,
        mobile: bool = False,
    ) -> None:
        self._to_r, self._to_w = os.pipe()
        self._from_r, self._from_w = os.pipe()
        to_r, from_w = self._to_r, self._from_w

        def child_fds() -> None:  # the browser reads fd 3 and writes fd 4
            os.dup2(to_r, 200)  # out of the way first: the pipes may be fds 3 to 6
            os.dup2(from_w, 201)
            os.dup2(200, 3)
            os.dup2(201, 4)
            os.set_inheritable(3, True)
            os.set_inheritable(4, True)

        self.proc = subprocess.Popen(
            [
                chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                "--disable-background-networking", "--disable-component-update",
                "--proxy-server=127.0.0.1:9", "--remote-debugging-pipe",
                f"--user-data-dir={profile}", "about:blank",
            ],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            preexec_fn=child_fds, close_fds=False,
        )  # fmt: skip
        os.close(to_r)
        os.close(from_w)
        self._buffer = b""
        self._next_id = 0
        self.events: list[dict[str, Any]] = []
        self.requests: list[str] = []
        self.console: list[str] = []
        target = self._call("Target.createTarget", {"url": "about:blank"})["targetId"]
        attached = self._call("Target.attachToTarget", {"targetId": target, "flatten": True})
        self._session = attached["sessionId"]
        self.call(
            "Emulation.setDeviceMetricsOverride",
            {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile},
        )
        if mobile:
            self.call("Emulation.setTouchEmulationEnabled", {"enabled": True, "maxTouchPoints": 5})
        for domain in ("Page", "Network", "Runtime"):
            self.call(f"{domain}.enable")

    # -- protocol ------------------------------------------------------------------------
    def _send(self, message: dict[str, Any]) -> None:
        os.write(self._to_w, json.dumps(message).encode() + b"\0")

    def _receive(self, timeout: float) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self._from_r], [], [], left)[0]:
                raise ChromiumError("Chromium did not answer in time")
            chunk = os.read(self._from_r, 1 << 20)
            if not chunk:
                raise ChromiumError("Chromium closed the pipe")
            self._buffer += chunk
        raw, self._buffer = self._buffer.split(b"\0", 1)
        message = json.loads(raw)
        if "method" in message:
            self._on_event(message)
        return message

    def _on_event(self, message: dict[str, Any]) -> None:
        self.events.append(message)
        params = message.get("params", {})
        if message["method"] == "Network.requestWillBeSent":
            self.requests.append(params["request"]["url"])
        elif message["method"] == "Runtime.consoleAPICalled":
            self.console.append(" ".join(str(a.get("value", "")) for a in params["args"]))
        elif message["method"] == "Runtime.exceptionThrown":
            self.console.append("EXCEPTION " + json.dumps(params["exceptionDetails"])[:2000])

    def _call(
        self, method: str, params: dict | None = None, session: str | None = None,
        timeout: float = 60,
    ) -> dict[str, Any]:  # fmt: skip
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        self._send(message)
        while True:
            reply = self._receive(timeout)
            if reply.get("id") == self._next_id:
                if "error" in reply:
                    raise ChromiumError(f"{method}: {reply['error']}")
                return reply.get("result", {})

    def call(self, method: str, params: dict | None = None, timeout: float = 60) -> dict:
        """Send one command to the page and return its result."""
        return self._call(method, params, self._session, timeout)

    # -- what a test does ----------------------------------------------------------------
    def open(self, url: str, settle: float = 1.0, timeout: float = 60) -> None:
        """Load ``url``, wait for its load event, then ``settle`` seconds more."""
        self.events.clear()
        self.call("Page.navigate", {"url": url})
        deadline = time.monotonic() + timeout
        while not any(e["method"] == "Page.loadEventFired" for e in self.events):
            self._receive(max(deadline - time.monotonic(), 0.01))
        self.wait(settle)

    def wait(self, seconds: float) -> None:
        """Let the page run for ``seconds`` while events are collected."""
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            try:
                self._receive(left)
            except ChromiumError as exc:
                if "in time" not in str(exc):
                    raise
                break

    def evaluate(self, expression: str) -> Any:
        """The value of a JavaScript expression in the page (promises are awaited)."""
        result = self.call(
            "Runtime.evaluate",
            {"expression": expression, "returnByValue": True, "awaitPromise": True},
        )
        if "exceptionDetails" in result:
            raise ChromiumError(json.dumps(result["exceptionDetails"])[:2000])
        return result["result"].get("value")

    def before_scripts(self, source: str) -> None:
        """Run ``source`` in every page loaded from now on, before the page's own scripts."""
        self.call("Page.addScriptToEvaluateOnNewDocument", {"source": source})

    def pretend_mouse(self) -> None:
        """Make the page see a mouse (``(hover: hover)``): headless Chromium has no pointer
        device, so pages take it for a touch screen."""
        self.before_scripts(
            "(function () { var real = window.matchMedia.bind(window);"
            " window.matchMedia = function (q) { return /\\(\\s*hover\\s*:\\s*hover\\s*\\)/"
            ".test(q) ? {matches: true, media: q, addListener: function () {},"
            " removeListener: function () {}} : real(q); }; })();"
        )

    def move_mouse(self, x: float, y: float) -> None:
        """Move the mouse to page pixel (x, y)."""
        self.call("Input.dispatchMouseEvent", {"type": "mouseMoved", "x": x, "y": y})

    def tap(self, x: float, y: float) -> None:
        """A finger tap at page pixel (x, y)."""
        for kind, points in (("touchStart", [{"x": x, "y": y}]), ("touchEnd", [])):
            self.call("Input.dispatchTouchEvent", {"type": kind, "touchPoints": points})

    def click(self, x: float, y: float) -> None:
        """A left mouse click at page pixel (x, y)."""
        for kind in ("mousePressed", "mouseReleased"):
            self.call(
                "Input.dispatchMouseEvent",
                {"type": kind, "x": x, "y": y, "button": "left", "clickCount": 1},
            )

    def type_text(self, text: str) -> None:
        """Type ``text`` into the focused element, then press nothing else."""
        self.call("Input.insertText", {"text": text})

    def press(self, key: str) -> None:
        """Press and release a named key (``Enter``, ``ArrowDown``)."""
        codes = {"Enter": 13, "ArrowDown": 40, "ArrowUp": 38, "Escape": 27}
        for kind in ("keyDown", "keyUp"):
            self.call(
                "Input.dispatchKeyEvent",
                {"type": kind, "key": key, "code": key, "windowsVirtualKeyCode": codes[key]},
            )

    def screenshot(self, path: Path) -> Path:
        """Save a PNG of the page as it is now."""
        data = self.call("Page.captureScreenshot", {"format": "png"})["data"]
        path.write_bytes(base64.b64decode(data))
        return path

    def close(self) -> None:
        """Close the browser (and its pipes)."""
        with contextlib.suppress(ChromiumError, OSError):
            self._call("Browser.close", timeout=10)
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=15)
        for fd in (self._to_w, self._from_r):
            with contextlib.suppress(OSError):
                os.close(fd)

    def __enter__(self) -> Page:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
