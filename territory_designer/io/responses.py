"""Reading reviewers' answers from proposal workbooks (written by
:mod:`territory_designer.reports.proposal`).

Each file gives one :class:`~territory_designer.core.approvals.Response`. Problems are
named by file, sheet, row and column and reported, never silently dropped: a protected
cell changed (by a tool that ignores sheet protection) voids that row's answer; a
Decision that is neither Accept nor Reject is ignored.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from territory_designer.core.approvals import ACCEPT, REJECT, Answer, Response
from territory_designer.core.errors import InputError

SHEET = "Proposal"
META_SHEET = "td_proposal"
FORMAT_PREFIX = "territory-designer-proposal/"
#: Words taken for each decision (case-insensitive).
WORDS = {
    ACCEPT: {"accept", "accepted", "yes", "y", "ok", "approve", "approved"},
    REJECT: {"reject", "rejected", "no", "n", "decline", "declined"},
}
PROTECTED_HEADERS = (
    "Move id",
    "Kind",
    "Id",
    "Name",
    "From",
    "From rep",
    "To",
    "To rep",
    "Accounts",
    "Value",
    "Reason",
)


def _decision(text: object) -> str | None:
    word = "" if text is None else str(text).strip().casefold()
    if not word:
        return ""
    for decision, words in WORDS.items():
        if word in words:
            return decision
    return None


def _same(a: object, b: object) -> bool:
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return abs(float(a) - float(b)) <= 1e-6 * max(1.0, abs(float(b)))
    return ("" if a is None else str(a)) == ("" if b is None else str(b))


def read_response(path: Path | str) -> Response:
    """Read one proposal workbook's answers.

    Raises
    ------
    InputError
        When the file cannot be read or is not a proposal workbook.
    """
    from openpyxl import load_workbook
    from openpyxl.utils import get_column_letter

    path = Path(path)
    if not path.exists():
        raise InputError(f"{path}: no such file.")
    try:
        wb = load_workbook(path, data_only=True)
    except (OSError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise InputError(f"{path}: not an Excel workbook this program can read ({exc}).") from exc
    if META_SHEET not in wb.sheetnames or SHEET not in wb.sheetnames:
        raise InputError(
            f"{path}: not a proposal workbook (no sheet {SHEET!r} with its hidden record); "
            "answer the workbook written by export --proposal."
        )
    meta_rows = list(wb[META_SHEET].iter_rows(values_only=True))
    meta = {str(r[0]): r[1] for r in meta_rows if r and r[0] != "row"}
    copies = [list(r[1:]) for r in meta_rows if r and r[0] == "row"]
    if not str(meta.get("format", "")).startswith(FORMAT_PREFIX):
        raise InputError(f"{path}: sheet {META_SHEET!r} is not a proposal record.")
    header_row = int(meta.get("header_row") or 7)
    ws = wb[SHEET]
    response = Response(
        source=path.name,
        group=str(meta.get("group") or ""),
        plan=str(meta.get("plan") or ""),
        base=str(meta.get("base") or ""),
        fingerprint=str(meta.get("fingerprint") or ""),
    )
    n_cols = len(PROTECTED_HEADERS)
    decision_col, comment_col = n_cols + 1, n_cols + 2
    headers = [ws.cell(header_row, j).value for j in range(1, n_cols + 1)]
    for i, expected in enumerate(copies):
        row = header_row + 1 + i
        values = [ws.cell(row, j).value for j in range(1, n_cols + 1)]
        edited = [
            j for j, (v, e) in enumerate(zip(values, expected, strict=False)) if not _same(v, e)
        ]
        where = f"{path.name}, sheet {SHEET!r}, row {row}"
        if edited:
            for j in edited:
                heading = headers[j] or PROTECTED_HEADERS[j]
                response.problems.append(
                    f"{where}, column {get_column_letter(j + 1)} ({heading}):"
                    f" protected cell edited ({expected[j]!r} became {values[j]!r}); "
                    "the row's answer is ignored."
                )
            continue
        raw = ws.cell(row, decision_col).value
        decision = _decision(raw)
        if decision is None:
            response.problems.append(
                f"{where}, column {get_column_letter(decision_col)} (Decision): {raw!r} is not "
                "Accept or Reject: ignored."
            )
            decision = ""
        comment = ws.cell(row, comment_col).value
        comment = "" if comment is None else str(comment).strip()
        if decision or comment:
            response.answers.append(Answer(str(expected[0]), decision, comment, row))
    extra = ws.cell(header_row + 1 + len(copies), 1).value
    if extra not in (None, ""):
        response.problems.append(
            f"{path.name}, sheet {SHEET!r}, row {header_row + 1 + len(copies)}: rows added "
            "below the proposal are ignored."
        )
    return response


def read_responses(paths: list[Path | str]) -> list[Response]:
    """Read every file (the first unreadable one raises :class:`InputError`)."""
    return [read_response(p) for p in paths]
