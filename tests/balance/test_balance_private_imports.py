"""The engine's modules use each other only through public names (issue 14)."""

from __future__ import annotations

import ast
from pathlib import Path

import territory_designer.balance as balance_package

BALANCE = Path(balance_package.__file__).parent


def _private_imports(source: str) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("territory"):
            found += [f"{node.module}.{a.name}" for a in node.names if a.name.startswith("_")]
    return found


def test_the_check_finds_a_private_import():
    assert _private_imports("from territory_designer.balance.recom import _key\n") == [
        "territory_designer.balance.recom._key"
    ]


def test_no_balance_module_imports_a_private_name():
    offenders = {
        path.name: names
        for path in sorted(BALANCE.glob("*.py"))
        if (names := _private_imports(path.read_text(encoding="utf-8")))
    }
    assert offenders == {}
