"""The change log in a ``.tdproj`` file: table ``td_change_log``, one row per entry.

Files saved before the log existed have no such table and open with an empty log.
"""

from __future__ import annotations

import json
import sqlite3

from territory_designer.core.change_log import ChangeEntry, ChangeLog

TABLE = "td_change_log"
_COLUMNS = (
    "seq INTEGER, time TEXT, user TEXT, plan TEXT, kind TEXT, action TEXT, units TEXT,"
    " from_territories TEXT, to_territory TEXT, note TEXT, details TEXT"
)


def write_change_log(log: ChangeLog, con: sqlite3.Connection) -> None:
    """Write every entry of ``log`` into the new project file open on ``con``."""
    con.execute(f"CREATE TABLE {TABLE} ({_COLUMNS})")
    con.executemany(
        f"INSERT INTO {TABLE} VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (
                seq,
                e.time,
                e.user,
                e.plan,
                e.kind,
                e.action,
                json.dumps(e.units),
                json.dumps(e.from_territories),
                e.to_territory,
                e.note,
                json.dumps(e.details),
            )
            for seq, e in enumerate(log.entries)
        ],
    )
    con.execute(
        "INSERT OR REPLACE INTO gpkg_contents (table_name, data_type, identifier, description,"
        " last_change) VALUES (?, 'attributes', ?, ?, strftime('%Y-%m-%dT%H:%M:%fZ','now'))",
        (TABLE, TABLE, "Territory Designer: change log (who changed what, when and why)"),
    )


def read_change_log(con: sqlite3.Connection) -> ChangeLog:
    """The log stored in the project open on ``con`` (empty for older files)."""
    exists = con.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (TABLE,)
    ).fetchone()
    if not exists:
        return ChangeLog()
    rows = con.execute(
        f"SELECT time, user, plan, kind, action, units, from_territories, to_territory, note,"
        f" details FROM {TABLE} ORDER BY seq"
    ).fetchall()
    return ChangeLog(
        [
            ChangeEntry(
                time=str(t),
                user=str(u or ""),
                plan=str(p or ""),
                action=str(a or ""),
                kind=str(k or "edit"),
                units=[str(x) for x in json.loads(units or "[]")],
                from_territories=[str(x) for x in json.loads(froms or "[]")],
                to_territory=str(to or ""),
                note=str(note or ""),
                details={str(key): str(v) for key, v in json.loads(details or "{}").items()},
            )
            for t, u, p, k, a, units, froms, to, note, details in rows
        ]
    )
