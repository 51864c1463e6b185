"""Template files: the built-in ones shipped with the package and the user's own.

Built-in templates are TOML files in ``territory_designer/resources/templates``; the
user's live in ``$TD_SETTINGS_DIR/templates`` when that variable is set (the tests set
it), else in the per-user configuration folder (``platformdirs``). A user template with
a built-in's name is listed instead of it. A file that is not valid TOML, or whose
content is wrong, raises :class:`TemplateFileError` naming the file, the line and the key.
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from territory_designer.core.errors import TerritoryDesignerError
from territory_designer.core.templates import Template, TemplateError, key_text, parse_template
from territory_designer.io.atomic import atomic_target

SETTINGS_DIR_ENV = "TD_SETTINGS_DIR"
SUFFIX = ".toml"
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_\-]{0,63}$")


class TemplateFileError(TerritoryDesignerError):
    """A template file that cannot be used: the message names file, line and key."""

    def __init__(self, message: str, path: str, line: int | None, key: str | None) -> None:
        super().__init__(message)
        self.path = path
        self.line = line
        self.key = key


@dataclass
class TemplateEntry:
    """A template file found on disk (read lazily)."""

    name: str
    path: Path | None
    builtin: bool
    text: str

    def where(self) -> str:
        """The file as a message names it."""
        return str(self.path) if self.path else f"built-in template {self.name}{SUFFIX}"


def user_templates_dir() -> Path:
    """Folder of the user's templates (not created here)."""
    env = os.environ.get(SETTINGS_DIR_ENV)
    if env:
        return Path(env) / "templates"
    import platformdirs

    return Path(platformdirs.user_config_dir("TerritoryDesigner", appauthor=False)) / "templates"


def _builtin_entries() -> dict[str, TemplateEntry]:
    folder = resources.files("territory_designer").joinpath("resources", "templates")
    out = {}
    for item in folder.iterdir():
        if item.name.endswith(SUFFIX):
            name = item.name[: -len(SUFFIX)]
            path = Path(str(item)) if Path(str(item)).exists() else None
            out[name] = TemplateEntry(name, path, True, item.read_text(encoding="utf-8"))
    return out


def _user_entries() -> dict[str, TemplateEntry]:
    folder = user_templates_dir()
    if not folder.is_dir():
        return {}
    out = {}
    for path in sorted(folder.glob(f"*{SUFFIX}")):
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            text = f"# unreadable: {exc}\n\x00"  # reported when the template is loaded
        out[path.stem] = TemplateEntry(path.stem, path, False, text)
    return out


def template_entries() -> dict[str, TemplateEntry]:
    """Every template by name: built-ins first (blank first of all), then the user's."""
    builtin = _builtin_entries()
    order = sorted(builtin, key=lambda n: (n != "blank", n))
    entries = {n: builtin[n] for n in order}
    entries.update(_user_entries())
    return entries


def template_names() -> list[str]:
    """Names ``--template`` accepts."""
    return list(template_entries())


def parse_template_text(text: str, name: str, where: str) -> Template:
    """Parse and check TOML text; errors name ``where``, the line and the key."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line = _decode_line(exc)
        message = str(exc).split(" (at line")[0]
        raise TemplateFileError(
            f"{where}, line {line}: not valid TOML: {message}", where, line, None
        ) from exc
    try:
        return parse_template(data, name, where)
    except TemplateError as exc:
        line = line_of_key(text, exc.key)
        key = key_text(exc.key)
        at = f", line {line}" if line else ""
        raise TemplateFileError(f"{where}{at}, key {key}: {exc}", where, line, key) from exc


def _decode_line(exc: tomllib.TOMLDecodeError) -> int | None:
    lineno = getattr(exc, "lineno", None)  # Python 3.14 adds it
    if lineno:
        return int(lineno)
    match = re.search(r"at line (\d+)", str(exc))
    return int(match.group(1)) if match else None


def line_of_key(text: str, key: tuple[str | int, ...]) -> int | None:
    """1-based line where ``key`` (a path from :class:`TemplateError`) is written.

    Good enough for the files people write: ``[table]`` and ``[[array]]`` headers,
    ``key = value`` lines and inline tables on one line. Falls back to the line of the
    nearest enclosing table, or None.
    """
    names = [k for k in key if isinstance(k, str)]
    if not names:
        return None
    # Which header owns the key: the longest prefix of the path written as a header.
    lines = text.splitlines()
    headers: list[tuple[int, tuple[str, ...], bool]] = []
    header_re = re.compile(r"^\s*(\[\[?)\s*([^\]]+?)\s*\]\]?")
    for i, line in enumerate(lines):
        m = header_re.match(line)
        if m:
            parts = tuple(p.strip().strip('"') for p in m.group(2).split("."))
            headers.append((i, parts, m.group(1) == "[["))
    indexes = [k for k in key if isinstance(k, int)]
    best: tuple[int, int] | None = None  # (start line, prefix length)
    for depth in range(len(names), 0, -1):
        prefix = tuple(names[:depth])
        matches = [(i, arr) for i, parts, arr in headers if parts == prefix]
        if not matches:
            continue
        pick = 0
        if matches[0][1] and indexes:  # [[fields]]: the n-th table of that array
            pick = min(indexes[0], len(matches) - 1)
        best = (matches[pick][0], depth)
        break
    if best is None:
        start, rest = -1, names
    else:
        start, rest = best[0], names[best[1] :]
    if not rest:
        return start + 1
    end = next((i for i, _, _ in headers if i > start), len(lines))
    key_re = re.compile(rf"^\s*\"?{re.escape(rest[0])}\"?\s*=")
    for i in range(start + 1, end):
        if key_re.match(lines[i]):
            return i + 1
    inline = re.compile(rf"(^|[{{,\s]){re.escape(rest[-1])}\s*=")
    for i in range(start + 1, end):
        if inline.search(lines[i]):
            return i + 1
    return start + 1 if start >= 0 else None


def load_template(name: str) -> Template:
    """The template called ``name`` (a user's file may shadow a built-in).

    Raises
    ------
    TemplateFileError
        Unknown name, or a file that is not a valid template.
    """
    entries = template_entries()
    entry = entries.get(name)
    if entry is None:
        raise TemplateFileError(
            f"No template named {name!r}; templates: {', '.join(entries)}.", name, None, None
        )
    return parse_template_text(entry.text, name, entry.where())


def load_template_file(path: Path | str) -> Template:
    """A template read from any TOML file (named after the file)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise TemplateFileError(f"{path}: cannot read it ({exc}).", str(path), None, None) from exc
    return parse_template_text(text, path.stem, str(path))


def check_new_name(new: str) -> None:
    """Refuse a name that is not a plain file name, or that a template already has."""
    if not _NAME.match(new):
        raise TemplateFileError(
            f"{new!r} cannot name a template: use letters, digits, '-' and '_'.", new, None, None
        )
    if new in template_entries():
        raise TemplateFileError(
            f"A template named {new!r} exists already; choose another name.", new, None, None
        )


def copy_template(name: str, new: str, title: str | None = None) -> Path:
    """Copy template ``name`` to the user's folder as ``new`` and return the new file.

    The copy is the original's text (comments kept) with its title changed, so the user
    edits it in any text editor; it is checked as soon as it is listed or used.
    """
    entries = template_entries()
    if name not in entries:
        raise TemplateFileError(
            f"No template named {name!r}; templates: {', '.join(entries)}.", name, None, None
        )
    check_new_name(new)
    source = entries[name]
    template = parse_template_text(source.text, name, source.where())
    new_title = title or f"{template.title} (copy)"
    text = _with_title(source.text, new_title)
    return save_template_text(new, text)


def _with_title(text: str, title: str) -> str:
    quoted = '"' + title.replace("\\", "\\\\").replace('"', '\\"') + '"'
    pattern = re.compile(r"^title\s*=.*$", re.MULTILINE)
    first_header = re.search(r"^\s*\[", text, re.MULTILINE)
    m = pattern.search(text)
    if m and (first_header is None or m.start() < first_header.start()):
        return text[: m.start()] + f"title = {quoted}" + text[m.end() :]
    return f"title = {quoted}\n" + text


def save_template_text(name: str, text: str) -> Path:
    """Check ``text`` as template ``name`` and write it to the user's folder atomically.

    Raises
    ------
    TemplateFileError
        When the text is not a valid template (nothing is written).
    """
    if not _NAME.match(name):
        raise TemplateFileError(
            f"{name!r} cannot name a template: use letters, digits, '-' and '_'.", name, None, None
        )
    folder = user_templates_dir()
    path = folder / f"{name}{SUFFIX}"
    parse_template_text(text, name, str(path))
    folder.mkdir(parents=True, exist_ok=True)
    with atomic_target(path) as tmp:
        Path(tmp).write_text(text, encoding="utf-8")
    return path
