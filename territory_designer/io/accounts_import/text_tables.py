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

from territory_designer.core.errors import InputError
from territory_designer.core.feedback import Feedback

SAMPLE_BYTES = 1 << 16
DELIMITERS = (",", ";", "\t", "|")
_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}


@dataclass
class TextInfo:
    """How a text table is encoded and split."""

    encoding: str
    delimiter: str
    decimal: str

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
    return TextInfo(encoding, delimiter, "," if delimiter == ";" else ".")


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
            text = fh.read() if max_rows is None or max_rows > 10000 else fh.read(SAMPLE_BYTES * 4)
    except UnicodeDecodeError as exc:
        raise InputError(f"{path.name}: cannot decode the text ({exc}).") from exc
    rows: list[list[str]] = []
    reader = csv.reader(io.StringIO(text), delimiter=info.delimiter)
    try:
        for row in reader:
            rows.append([c.strip() for c in row])
            if max_rows is not None and len(rows) >= max_rows:
                break
            if len(rows) % 100_000 == 0:
                feedback.check_canceled()
                feedback.set_progress(min(50.0, len(rows) / 40_000), "Reading rows")
    except csv.Error as exc:
        raise InputError(f"{path.name}, line {reader.line_num}: {exc}.") from exc
    return rows


def read_text_frame(path: Path, info: TextInfo, width: int) -> list[list[str]] | None:
    """All rows via pandas' C parser (fast), or None when the rows are ragged."""
    import pandas as pd

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
