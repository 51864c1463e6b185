"""Text tables (.csv, .txt, .tsv): encoding, delimiter and decimal separator detection.

Encodings tried in order: a byte-order mark (UTF-8, UTF-16), strict UTF-8, then Windows
cp1252 and latin-1 (what Excel on Windows writes by default). The delimiter is the one of
``, ; \\t |`` that splits the first lines into the most consistent number of fields; a
``;`` usually means a locale with a decimal comma.
"""

from __future__ import annotations

import codecs
import csv
import io
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from territory_designer.core.errors import InputError
from territory_designer.core.feedback import Feedback
from territory_designer.io.field_names import MAX_IMPORT_COLUMNS, too_many_columns

SAMPLE_BYTES = 1 << 16
DELIMITERS = (",", ";", "\t", "|")
_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}


@dataclass
class TextInfo:
    """How a text table is encoded and split."""

    encoding: str
    delimiter: str
    decimal: str
    has_nul: bool = False  # a NUL character in the text (a damaged or binary export)

    def notes(self) -> list[str]:
        """Human-readable description for the import report."""
        return [
            f"Text file read as {self.encoding}, {_NAMES.get(self.delimiter, self.delimiter)}"
            f"-separated, decimal {'comma' if self.decimal == ',' else 'point'}."
        ]


def detect_encoding(raw: bytes, complete: bool) -> str:
    """Encoding of ``raw`` (``complete`` False when it is only the file's beginning)."""
    if raw.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    try:
        codecs.getincrementaldecoder("utf-8")().decode(raw, final=complete)
        return "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        raw.decode("cp1252")
        return "cp1252"
    except UnicodeDecodeError:
        return "latin-1"


def sniff_delimiter(sample: str) -> str:
    """The delimiter splitting the sample's lines into the most consistent field count."""
    lines = [ln for ln in sample.splitlines()[:50] if ln.strip()]
    if len(lines) > 1 and not sample.endswith("\n"):
        lines = lines[:-1]  # the last line of a sample may be cut
    best, best_score = ",", -1.0
    for d in DELIMITERS:
        counts = [len(r) for r in csv.reader(lines, delimiter=d)]
        if not counts:
            continue
        mode = max(set(counts), key=counts.count)
        if mode < 2:
            continue
        # Title rows above the header have fewer fields: weigh the rows matching the mode.
        score = counts.count(mode) / len(counts) * 10 + min(mode, 50) / 50
        if score > best_score:
            best, best_score = d, score
    return best


def sniff_text(path: Path) -> TextInfo:
    """Encoding, delimiter and decimal separator of a text table."""
    with open(path, "rb") as fh:
        raw = fh.read()
    encoding = detect_encoding(raw, complete=True)
    sample = raw[:SAMPLE_BYTES].decode(encoding, errors="ignore")
    delimiter = sniff_delimiter(sample)
    if encoding == "utf-16":
        has_nul = "\x00" in raw.decode(encoding, errors="ignore")
    else:
        has_nul = b"\x00" in raw
    return TextInfo(encoding, delimiter, "," if delimiter == ";" else ".", has_nul)


def read_text_rows(
    path: Path,
    info: TextInfo,
    max_rows: int | None = None,
    feedback: Feedback | None = None,
) -> list[list[str]]:
    """Rows of a text table as lists of stripped strings (one list per line)."""
    feedback = feedback or Feedback()
    try:
        with open(path, encoding=info.encoding, errors="strict", newline="") as fh:
            whole = max_rows is None or max_rows > 10000
            text = fh.read() if whole else fh.read(SAMPLE_BYTES * 4)
    except UnicodeDecodeError as exc:
        raise InputError(f"{path.name}: cannot decode the text ({exc}).") from exc
    rows: list[list[str]] = []
    reader = csv.reader(io.StringIO(text), delimiter=info.delimiter)
    try:
        for row in reader:
            if len(row) > MAX_IMPORT_COLUMNS:
                width = _filled_width(row)
                if width > MAX_IMPORT_COLUMNS and not whole:
                    # Only the file's beginning was read: count the whole row.
                    return read_text_rows(path, info, None, feedback)
                if width > MAX_IMPORT_COLUMNS:
                    where = f"{path.name}, line {reader.line_num}"
                    raise InputError(too_many_columns(where, width))
                del row[width:]
            rows.append([c.strip() for c in row])
            if max_rows is not None and len(rows) >= max_rows:
                break
            if len(rows) % 100_000 == 0:
                feedback.check_canceled()
                feedback.set_progress(min(50.0, len(rows) / 40_000), "Reading rows")
    except csv.Error as exc:
        raise InputError(f"{path.name}, line {reader.line_num}: {exc}.") from exc
    return rows


def _filled_width(row: list[str]) -> int:
    """Fields up to the last non-blank one (exports pad rows with empty fields)."""
    width = len(row)
    while width and not row[width - 1].strip():
        width -= 1
    return width


def read_text_frame(path: Path, info: TextInfo, width: int) -> list[list[str]] | None:
    """All rows via pandas' C parser (fast), or None when the rows are ragged."""
    try:
        df = pd.read_csv(
            path,
            sep=info.delimiter,
            header=None,
            names=list(range(width)),
            dtype=object,
            keep_default_na=False,
            na_filter=False,
            skip_blank_lines=False,
            encoding=info.encoding,
            engine="c",
            quotechar='"',
        )
    except (pd.errors.ParserError, ValueError, UnicodeDecodeError):
        return None
    return df  # type: ignore[return-value]


def strip_nul(data: pd.DataFrame, nums: np.ndarray) -> list[tuple[int, str, str]]:
    """Remove NUL characters from text cells, listing each cell (the project file would
    cut the text at the NUL)."""
    issues = []
    for col in data.columns:
        values = data[col]
        is_text = values.map(lambda v: isinstance(v, str)).to_numpy(dtype=bool)
        if not is_text.any():
            continue
        has_nul = np.zeros(len(values), dtype=bool)
        has_nul[is_text] = values[is_text].str.contains("\x00", regex=False).to_numpy()
        for k in np.flatnonzero(has_nul):
            cell = values.iat[k]
            fixed = cell.replace("\x00", "")
            issues.append(
                (
                    int(nums[k]),
                    col,
                    f"{cell!r} holds a NUL character (the text would be cut there); "
                    f"read as {fixed!r}",
                )
            )
            data.iat[k, data.columns.get_loc(col)] = fixed
    return issues
