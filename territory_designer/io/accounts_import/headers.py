"""Find the header row of a sheet and map its columns to account fields by meaning.

Client workbooks often carry a title, a date and a blank line above the real header;
header names vary by CRM and language ("Kundennummer", "Code postal", "Acct #"). The
header is the first row, among the top ones, whose cells are all text and either name
known fields or sit above numbers; columns are then matched to fields by synonyms.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable, Sequence

#: Account fields that say where an account is (what the locator reads).
LOCATION_FIELDS = ("latitude", "longitude", "postal_code", "city", "state", "country")
#: Account fields a column can be mapped to, in the order the wizard lists them.
FIELDS = (
    "account_id",
    "name",
    *LOCATION_FIELDS,
    "revenue",
    "potential",
    "visits_per_year",
    "segment",
    "product_line",
    "owner",
    "order_date",
)
NUMERIC_FIELDS = ("revenue", "potential", "visits_per_year")
TEXT_FIELDS = ("name", "city", "state", "country", "segment", "product_line", "owner")

SYNONYMS: dict[str, tuple[str, ...]] = {
    "account_id": (
        "id", "account id", "account number", "account no", "account nr", "account",
        "acct", "acct id", "acct no", "acct number", "account code", "customer id",
        "customer number", "customer no", "customer code", "cust id", "cust no", "client id",
        "client number", "client code", "kunden nr", "kundennummer", "kunden id",
        "numero client", "code client", "n client", "id client", "id cliente",
        "numero cliente", "codigo cliente", "store id", "store number", "store no",
        "location id", "site id", "provider id", "npi", "ship to", "sold to", "debitor",
    ),
    "name": (
        "name", "account name", "customer name", "customer", "company", "company name",
        "client", "client name", "store name", "business name", "organization",
        "organisation", "practice name", "provider name", "provider", "firma", "firmenname",
        "kunde", "kundenname", "nom", "nom client", "raison sociale", "nombre", "razon social",
        "cliente", "ragione sociale", "site name", "location name",
    ),
    "latitude": ("lat", "latitude", "latitud", "breitengrad", "breite", "y", "lat dd", "ycoord"),
    "longitude": (
        "lon", "long", "lng", "longitude", "longitud", "laengengrad", "langengrad", "laenge",
        "x", "lon dd", "xcoord",
    ),
    "postal_code": (
        "zip", "zip code", "zipcode", "zip5", "zip 5", "postal code", "postalcode", "postcode",
        "post code", "postal", "plz", "postleitzahl", "code postal", "cp", "codigo postal",
        "cap", "zip postal code", "billing zip", "shipping zip", "billing postal code",
    ),
    "city": (
        "city", "town", "ort", "stadt", "ville", "ciudad", "citta", "municipality",
        "locality", "billing city", "shipping city", "cidade",
    ),
    "state": (
        "state", "st", "state code", "province", "state province", "region", "bundesland",
        "provincia", "estado", "departement", "billing state", "shipping state",
        "state/province",
    ),
    "country": (
        "country", "country code", "land", "pays", "pais", "nation", "billing country",
        "shipping country",
    ),
    "revenue": (
        "revenue", "sales", "amount", "turnover", "umsatz", "chiffre d affaires", "ca",
        "ventas", "ingresos", "fatturato", "total sales", "net sales", "sales amount",
        "order amount", "order value", "invoice amount", "annual revenue", "revenue usd",
        "sales usd", "value", "total", "net amount", "line total",
    ),
    "potential": (
        "potential", "market potential", "sales potential", "revenue potential", "potencial",
        "potentiel", "potenzial", "opportunity", "wallet", "wallet share",
    ),
    "visits_per_year": (
        "visits", "visits per year", "visits year", "annual visits", "call frequency",
        "calls per year", "calls", "frequency", "visit frequency", "besuche",
        "besuche pro jahr", "visites", "visitas",
    ),
    "segment": (
        "segment", "tier", "class", "classification", "category", "customer type",
        "account type", "type", "channel", "klasse", "kategorie", "categorie",
        "customer segment", "abc",
    ),
    "product_line": (
        "product line", "product", "product family", "product group", "line of business",
        "brand", "produkt", "produit", "producto", "product category",
    ),
    "owner": (
        "owner", "account owner", "rep", "sales rep", "salesperson", "sales person",
        "account manager", "territory manager", "representative", "vertreter",
        "aussendienst", "commercial", "vendedor", "rep name", "assigned to",
    ),
    "order_date": (
        "order date", "date", "invoice date", "transaction date", "purchase date",
        "sale date", "ship date", "datum", "bestelldatum", "fecha", "date commande",
        "posting date",
    ),
}  # fmt: skip


def normalize_header(text: object) -> str:
    """Lower-case, accents stripped, punctuation as spaces (``"N° Client"`` -> ``"n client"``)."""
    s = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()
    s = s.lower().replace("#", " no ").replace("&", " and ")
    s = re.sub(r"[^a-z0-9/]+", " ", s)
    s = re.sub(r"\b(yr|yrly|p a|pa)\b", "year", s)  # "Visits/yr", "Calls p.a."
    return re.sub(r"\s+", " ", s).strip()


def _score(header: str, synonym: str) -> int:
    if header == synonym:
        return 3
    # "Visits/yr" is two words; a combined "Lat/Long" column is neither coordinate.
    combined = re.search(r"lat\w*/lo?ng?", header)
    tokens = header.split() if combined else header.replace("/", " ").split()
    syn = synonym.split()
    if len(synonym) >= 4 and all(t in tokens for t in syn):
        return 2
    return 0


def guess_mapping(columns: Sequence[str]) -> dict[str, str | None]:
    """Map account fields to columns by header meaning.

    Parameters
    ----------
    columns : sequence of str
        Header names as read.

    Returns
    -------
    dict
        Every name in :data:`FIELDS` mapped to a column name or None; each column is
        used at most once (exact synonym matches win over partial ones).

    Examples
    --------
    >>> m = guess_mapping(["Cust ID", "Company", "ZIP", "Sales ($)"])
    >>> m["account_id"], m["name"], m["postal_code"], m["revenue"]
    ('Cust ID', 'Company', 'ZIP', 'Sales ($)')
    """
    candidates = []
    for col in columns:
        h = normalize_header(col)
        for rank, field in enumerate(FIELDS):
            best = max((_score(h, s) for s in SYNONYMS[field]), default=0)
            if best == 0:
                # "Sales ($)" -> "sales": retry without a trailing unit or currency
                stripped = re.sub(r"\b(usd|eur|gbp|no|in|k|m)\b$", "", h).strip()
                if stripped != h:
                    best = max((_score(stripped, s) for s in SYNONYMS[field]), default=0)
            if best:
                candidates.append((-best, rank, list(columns).index(col), field, col))
    mapping: dict[str, str | None] = dict.fromkeys(FIELDS)
    used: set[str] = set()
    for _, _, _, field, col in sorted(candidates):
        if mapping[field] is None and col not in used:
            mapping[field] = col
            used.add(col)
    return mapping


#: Fields whose values are words: a column of numbers is not one of them, whatever its
#: header says (a numeric ``st`` column is a store number or a status, not a state).
WORD_FIELDS = ("city", "state", "country")
#: Share of a column's sampled values that must be numbers to refuse it for a word field.
NUMBER_SHARE = 0.8
_NUMBER = re.compile(r"^[-+]?\d+(?:[.,]\d+)?$")


def contradicted_guesses(
    mapping: dict[str, str | None], values_of: Callable[[str], Sequence[object]]
) -> dict[str, str]:
    """Guessed fields whose column's values contradict the header (field -> column).

    Parameters
    ----------
    mapping : dict
        Fields mapped to columns, as :func:`guess_mapping` returns them.
    values_of : callable
        Returns a sample of a column's cells (the first rows are enough).
    """
    wrong = {}
    for field in WORD_FIELDS:
        col = mapping.get(field)
        if col is None:
            continue
        cells = [v for v in values_of(col) if v is not None and str(v).strip() != ""]
        numbers = sum(
            isinstance(v, (int, float))
            and not isinstance(v, bool)
            or bool(_NUMBER.match(str(v).strip()))
            for v in cells
        )
        if cells and numbers >= NUMBER_SHARE * len(cells):
            wrong[field] = col
    return wrong


def unmapping_note(wrong: dict[str, str]) -> list[str]:
    """Lines telling the user which guessed columns were not used, and how to use them."""
    return [
        f"Column {col!r} holds numbers, not a {field.replace('_', ' ')}: kept as an attribute "
        f"(map it as {field} if it is one)."
        for field, col in wrong.items()
    ]


def _is_text(v: object) -> bool:
    if not isinstance(v, str) or not v.strip():
        return False
    t = v.strip().replace(",", "").replace(".", "").replace("$", "").replace("%", "")
    return not t.lstrip("-").isdigit()


def _known(v: object) -> bool:
    h = normalize_header(v)
    return any(_score(h, s) >= 2 for syns in SYNONYMS.values() for s in syns)


def detect_header_row(rows: Sequence[Sequence[object]]) -> int | None:
    """Index (0-based, within ``rows``) of the header row, or None when there is none.

    A header row has only text cells, covers at least half of the table's width, and
    either names known fields or sits above a row with numbers in its text columns.
    """
    widths = [sum(1 for v in r if v not in (None, "")) for r in rows]
    width = max(widths, default=0)
    if width == 0:
        return None
    for i, row in enumerate(rows):
        cells = [v for v in row if v not in (None, "")]
        if len(cells) < max(1, (width + 1) // 2) or not all(_is_text(v) for v in cells):
            continue
        if len({str(v).strip() for v in cells}) < len(cells) * 0.8:
            continue
        below = next((r for r in rows[i + 1 :] if any(v not in (None, "") for v in r)), None)
        if below is None:
            return i if sum(_known(v) for v in cells) >= 1 else None
        known = sum(_known(v) for v in cells)
        below_cells = [v for v in below if v not in (None, "")]
        if (
            len(below_cells) > len(cells)
            and all(_is_text(v) for v in below_cells)
            and sum(_known(v) for v in below_cells) > known
        ):
            continue  # a band of group titles ("Location" over ZIP and City) above it
        typed_below = sum(
            1
            for k, v in enumerate(row)
            if v not in (None, "")
            and k < len(below)
            and below[k] not in (None, "")
            and not _is_text(below[k])
        )
        if known >= 1 or typed_below >= 1:
            return i
    return None


def column_letter(k: int) -> str:
    """Excel column letter of a 0-based index (0 -> A, 26 -> AA)."""
    s = ""
    k += 1
    while k:
        k, r = divmod(k - 1, 26)
        s = chr(65 + r) + s
    return s


def make_column_names(header: Sequence[object], width: int) -> list[str]:
    """Unique, non-blank column names (blank ones become ``"Column C"``)."""
    names: list[str] = []
    seen: dict[str, int] = {}
    for k in range(width):
        v = header[k] if k < len(header) else None
        # A NUL would cut the name in the project file.
        text = str(v).replace("\x00", "").strip() if v is not None else ""
        name = text or f"Column {column_letter(k)}"
        if isinstance(v, float) and math.isfinite(v) and v == int(v):
            name = str(int(v))
        base = name
        while name in seen:
            seen[base] += 1
            name = f"{base} ({seen[base]})"
        seen.setdefault(name, 1)
        names.append(name)
    return names
