"""Attribute queries: ``state = NC``, ``revenue > 10000``, ``county in (Wake, Durham)``.

One condition is ``FIELD OPERATOR VALUE``; conditions join with ``and``. Operators:
``=`` (or ``==``), ``!=`` (or ``≠``, ``<>``), ``<``, ``>``, ``<=``, ``>=``, ``in (a, b)``,
``not in (a, b)`` and ``contains``. Field names match case-insensitively; a name or a
value with spaces may be written bare (``sales rep = Ann Lee``) or quoted
(``"sales rep" = 'Ann Lee'``); quote a value that holds the word ``and``. Text compares
without regard to case or surrounding spaces; numbers compare as numbers. The attribute
table's filter box, Territory › Assign by Attribute… and ``main.py assign --where`` all
use this module.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from territory_designer.core.attribute_fields import FLAG, NUMBER, Field
from territory_designer.core.errors import InputError

#: Operators as written in a query -> their canonical form.
OPERATORS = {
    "=": "=",
    "==": "=",
    "!=": "!=",
    "≠": "!=",
    "<>": "!=",
    "<": "<",
    ">": ">",
    "<=": "<=",
    "≤": "<=",
    ">=": ">=",
    "≥": ">=",
    "in": "in",
    "not in": "not in",
    "contains": "contains",
}
#: What each canonical operator is called in the Assign by Attribute dialog.
OPERATOR_LABELS = {
    "=": "=",
    "!=": "≠",
    "in": "in list",
    "not in": "not in list",
    "<": "<",
    ">": ">",
    "<=": "≤",
    ">=": "≥",
    "contains": "contains",
}
_TRUE = {"yes", "true", "1", "y", "locked", "on"}
_FALSE = {"no", "false", "0", "n", "unlocked", "off", ""}
_TOKEN = re.compile(
    r"""\s*(?:
        (?P<quoted>"[^"]*"|'[^']*'|`[^`]*`)
      | (?P<op><=|>=|!=|<>|==|[=<>≠≤≥])
      | (?P<punct>[(),])
      | (?P<word>[^\s=<>!≠≤≥(),"'`]+)
      | (?P<bad>\S)
    )""",
    re.VERBOSE,
)


class QueryError(InputError):
    """A query that cannot be read, or names a field that does not exist."""


@dataclass(frozen=True)
class Condition:
    """``field op values`` (one value except for ``in`` lists)."""

    field: str
    op: str
    values: tuple[str, ...]

    def __str__(self) -> str:
        field = _quote(self.field)
        if self.op in ("in", "not in"):
            return f"{field} {self.op} ({', '.join(_quote(v) for v in self.values)})"
        return f"{field} {self.op} {_quote(self.values[0])}"


@dataclass(frozen=True)
class Query:
    """Conditions that must all hold."""

    conditions: tuple[Condition, ...]

    def __str__(self) -> str:
        return " and ".join(str(c) for c in self.conditions)


def _quote(text: str) -> str:
    bare = re.fullmatch(r"[^\s=<>!≠≤≥(),\"'`]+(?: [^\s=<>!≠≤≥(),\"'`]+)*", text)
    keywords = ("and", "in", "not", "contains")
    if bare and not any(w.casefold() in keywords for w in text.split()):
        return text
    return "'" + text + "'" if "'" not in text else '"' + text + '"'


def _tokens(text: str) -> list[tuple[str, str]]:
    out = []
    pos = 0
    text = text.strip()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None or m.end() == pos:
            break
        pos = m.end()
        kind = m.lastgroup or "bad"
        value = m.group(kind)
        if kind == "bad":
            raise QueryError(f"Cannot read {text!r}: unexpected {value!r}.")
        if kind == "word" and value.casefold() in ("in", "not", "contains", "and"):
            kind = value.casefold()
        out.append((kind, value))
    return out


def parse_query(text: str) -> Query:
    """Read a query (see the module docstring); :class:`QueryError` says what is wrong."""
    tokens = _tokens(text)
    if not tokens:
        raise QueryError("Empty query: write FIELD OPERATOR VALUE, for example state = NC.")
    conditions = []
    k = 0
    while True:
        condition, k = _condition(text, tokens, k)
        conditions.append(condition)
        if k >= len(tokens):
            return Query(tuple(conditions))
        if tokens[k][0] != "and":
            raise QueryError(f"Cannot read {text!r}: expected 'and' before {tokens[k][1]!r}.")
        k += 1


def _words(
    tokens: list[tuple[str, str]], k: int, stop: set[str], commas: bool = False
) -> tuple[str, int]:
    """Join bare words (or take one quoted string) from ``k`` up to a token in ``stop``;
    with ``commas``, a comma joins too (``10,000`` or ``Cary, NC`` as one value)."""
    if k < len(tokens) and tokens[k][0] == "quoted":
        return tokens[k][1][1:-1], k + 1
    allowed = {"word", "in", "not", "contains", "and"} - stop
    text = ""
    while k < len(tokens) and (
        tokens[k][0] in allowed or (commas and text and tokens[k] == ("punct", ","))
    ):
        value = tokens[k][1]
        glued = value == "," or not text or (text.endswith(",") and value.isdigit())
        text += value if glued else " " + value
        k += 1
    return text, k


def _condition(text: str, tokens: list[tuple[str, str]], k: int) -> tuple[Condition, int]:
    example = "for example state = NC, revenue > 10000 or county in (Wake, Durham)"
    field, k = _words(tokens, k, {"in", "not", "contains", "and"})
    if not field:
        raise QueryError(f"Cannot read {text!r}: it should start with a field name ({example}).")
    if k >= len(tokens):
        raise QueryError(f"Cannot read {text!r}: no operator after {field!r} ({example}).")
    kind, value = tokens[k]
    if kind == "op":
        op = OPERATORS[value]
        k += 1
    elif kind == "contains":
        op, k = "contains", k + 1
    elif kind == "in":
        op, k = "in", k + 1
    elif kind == "not" and k + 1 < len(tokens) and tokens[k + 1][0] == "in":
        op, k = "not in", k + 2
    else:
        raise QueryError(f"Cannot read {text!r}: {value!r} is not an operator ({example}).")
    if op in ("in", "not in"):
        values, k = _value_list(text, tokens, k, field)
        return Condition(field, op, values), k
    if k < len(tokens) and tokens[k][0] == "quoted":
        return Condition(field, op, (tokens[k][1][1:-1],)), k + 1
    value, k = _words(tokens, k, {"and"}, commas=True)
    if not value:
        raise QueryError(f"Cannot read {text!r}: no value after {field} {op}.")
    return Condition(field, op, (value,)), k


def _value_list(
    text: str, tokens: list[tuple[str, str]], k: int, field: str
) -> tuple[tuple[str, ...], int]:
    if k >= len(tokens) or tokens[k] != ("punct", "("):
        raise QueryError(f"Cannot read {text!r}: write the list in brackets, {field} in (a, b).")
    k += 1
    values = []
    while True:
        value, k = _words(tokens, k, set())  # 'and' inside a list is part of a value
        values.append(value)
        if k >= len(tokens):
            raise QueryError(f"Cannot read {text!r}: the list after {field} lacks its ')'.")
        if tokens[k] == ("punct", ")"):
            k += 1
            break
        if tokens[k] != ("punct", ","):
            raise QueryError(f"Cannot read {text!r}: unexpected {tokens[k][1]!r} in the list.")
        k += 1
    values = [v for v in values if v != ""]
    if not values:
        raise QueryError(f"Cannot read {text!r}: the list after {field} is empty.")
    return tuple(values), k


# -- evaluation ---------------------------------------------------------------------------
def find_field(fields: Sequence[Field], name: str, what: str = "field") -> Field:
    """The field called ``name`` (any case), else the one the template labels so (the
    column's heading); :class:`QueryError` lists close names."""
    key = name.strip().casefold()
    for f in fields:
        if f.name.casefold() == key:
            return f
    for f in fields:
        if f.label and f.label.casefold() == key:
            return f
    names = [f.name for f in fields]
    close = difflib.get_close_matches(name, names, n=3, cutoff=0.6)
    hint = f" Did you mean {' or '.join(close)}?" if close else ""
    raise QueryError(f"Unknown {what} {name!r}.{hint} Fields: {', '.join(names)}.")


def match(query: Query | str, fields: Sequence[Field], rows: int | None = None) -> np.ndarray:
    """Boolean mask of the rows where every condition of ``query`` holds.

    Parameters
    ----------
    query : Query or str
        A parsed query or its text.
    fields : sequence of Field
        The columns (:func:`~territory_designer.core.attribute_fields.unit_fields` or
        :func:`~territory_designer.core.attribute_fields.account_fields`).
    rows : int, optional
        Row count (taken from the first field when omitted).
    """
    if isinstance(query, str):
        query = parse_query(query)
    n = rows if rows is not None else (fields[0].values.size if fields else 0)
    mask = np.ones(n, dtype=bool)
    for condition in query.conditions:
        mask &= _match_condition(condition, find_field(fields, condition.field))
    return mask


def _numbers(field: Field, values: tuple[str, ...]) -> np.ndarray:
    out = []
    for v in values:
        try:  # thousands separators as people type them: 10,000 or 10_000
            out.append(float(v.replace(",", "").replace("_", "")))
        except ValueError:
            raise QueryError(
                f"Field {field.name!r} holds numbers: {v!r} is not a number."
            ) from None
    return np.asarray(out, dtype=float)


def _texts(values: np.ndarray) -> pd.Series:
    series = pd.Series(values, dtype=object).fillna("").astype(str).str.strip()
    return series.str.casefold()


def _text_columns(field: Field) -> list[pd.Series]:
    return [_texts(field.values), *(_texts(a) for a in field.aliases)]


def _match_condition(c: Condition, field: Field) -> np.ndarray:
    op = c.op
    if field.kind == FLAG:
        return _match_flag(c, field)
    numeric = field.kind == NUMBER
    if op in ("<", ">", "<=", ">="):
        if numeric:
            column = np.asarray(field.values, dtype=float)
        else:  # a text column of numbers (ZIP codes kept as text) compares as numbers
            column = pd.to_numeric(pd.Series(field.values, dtype=object), errors="coerce")
            column = column.to_numpy(dtype=float)
            if np.isnan(column).all() and column.size:
                raise QueryError(
                    f"Field {field.name!r} holds text: {op} needs numbers "
                    f"(use =, ≠, in or contains)."
                )
        (bound,) = _numbers(field, c.values)
        with np.errstate(invalid="ignore"):
            return {
                "<": column < bound,
                ">": column > bound,
                "<=": column <= bound,
                ">=": column >= bound,
            }[op]
    if numeric and op != "contains":
        column = np.asarray(field.values, dtype=float)
        wanted = _numbers(field, c.values)
        hit = np.isclose(column[:, None], wanted[None, :], rtol=1e-12, atol=0).any(axis=1)
        return ~hit if op in ("!=", "not in") else hit
    if numeric:  # contains on numbers: on their text as the table shows it
        values = np.asarray(field.values, dtype=float)
        whole = np.isfinite(values) & (values == np.round(values))
        shown = pd.Series(values.astype(object))
        shown[whole] = values[whole].astype(np.int64)
        columns = [_texts(shown.where(np.isfinite(values), "").to_numpy())]
    else:
        columns = _text_columns(field)
    wanted = [v.strip().casefold() for v in c.values]
    hit = np.zeros(field.values.size, dtype=bool)
    for col in columns:
        if op == "contains":
            hit |= col.str.contains(wanted[0], regex=False).to_numpy(dtype=bool)
        else:
            hit |= col.isin(wanted).to_numpy(dtype=bool)
    return ~hit if op in ("!=", "not in") else hit


def _match_flag(c: Condition, field: Field) -> np.ndarray:
    if c.op not in ("=", "!=", "in", "not in"):
        raise QueryError(f"Field {field.name!r} is yes/no: use {field.name} = yes or = no.")
    flags = np.asarray(field.values, dtype=bool)
    hit = np.zeros(flags.size, dtype=bool)
    for v in c.values:
        key = v.strip().casefold()
        if key in _TRUE:
            hit |= flags
        elif key in _FALSE:
            hit |= ~flags
        else:
            raise QueryError(f"Field {field.name!r} is yes/no: {v!r} is neither yes nor no.")
    return ~hit if c.op in ("!=", "not in") else hit


def looks_like_query(text: str) -> bool:
    """True when ``text`` reads as FIELD OPERATOR VALUE (the filter box then filters by it
    rather than by plain text)."""
    try:
        parse_query(text)
    except QueryError:
        return False
    return True
