"""The layout holds: no import cycles among handoff's modules, and each layer imports only
what it may (README "Layout"). Imports inside function bodies count too: a cycle through a
late import is still a cycle.

* domain/ is pure: no SQL driver, no SQLAlchemy, no store, no I/O of the CLI;
* queries/ (the read path) never imports SQLModel or the tables;
* nothing below cli/ imports cli/.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import handoff_cli

PACKAGE = Path(handoff_cli.__file__).resolve().parent


def _modules() -> dict[str, Path]:
    out = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        out[name] = path
    return out


MODULES = _modules()
MODULE_NAMES = frozenset(MODULES)


def _imports(name: str, path: Path) -> set[str]:
    """Every module name `name` imports, anywhere in the file."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:  # `from pkg import module` is an import of the module, not of pkg
                full = f"{base}.{alias.name}"
                found.add(full if full in MODULE_NAMES else base)
    return found


IMPORTS = {name: _imports(name, path) for name, path in MODULES.items()}


def _internal(name: str) -> set[str]:
    return {m for m in IMPORTS[name] if m in MODULES and m != name}


def _cycles() -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(_internal(v)):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for name in sorted(MODULES):
        if name not in index:
            visit(name)
    return groups


def test_the_module_list_is_the_package():
    assert "handoff_cli.cli" in MODULES and "handoff_cli.domain.rules" in MODULES


def test_no_import_cycles():
    assert _cycles() == []


def _layer(prefix: str) -> list[str]:
    return [m for m in MODULES if m == prefix or m.startswith(prefix + ".")]


def _offending(modules: list[str], forbidden: tuple[str, ...]) -> dict[str, list[str]]:
    out = {}
    for m in modules:
        bad = sorted(i for i in IMPORTS[m] if any(i == f or i.startswith(f + ".") for f in forbidden))
        if bad:
            out[m] = bad
    return out


@pytest.mark.parametrize(
    "layer, forbidden",
    [
        (
            "handoff_cli.domain",
            ("sqlite3", "sqlalchemy", "sqlmodel", "psycopg", "handoff_cli.store", "handoff_cli.cli"),
        ),
        (
            "handoff_cli.queries",
            ("sqlmodel", "handoff_cli.store.models", "handoff_cli.store.models", "handoff_cli.cli"),
        ),
    ],
)
def test_each_layer_imports_only_what_it_may(layer, forbidden):
    assert _layer(layer), layer
    assert _offending(_layer(layer), forbidden) == {}


def test_nothing_below_the_cli_imports_it():
    below = [m for m in MODULES if not (m == "handoff_cli.cli" or m.startswith("handoff_cli.cli."))]
    below = [m for m in below if m not in ("handoff_cli.__main__",)]
    assert _offending(below, ("handoff_cli.cli",)) == {}


def test_the_checks_see_a_cycle_and_a_forbidden_import(monkeypatch):
    """The checks can fail: a made-up cycle and a made-up import are found."""
    monkeypatch.setitem(IMPORTS, "handoff_cli.errors", IMPORTS["handoff_cli.errors"] | {"handoff_cli.clock"})
    assert ["handoff_cli.clock", "handoff_cli.errors"] in _cycles()
    monkeypatch.setitem(IMPORTS, "handoff_cli.domain.rules", {"sqlalchemy.orm"})
    assert _offending(["handoff_cli.domain.rules"], ("sqlalchemy",)) == {"handoff_cli.domain.rules": ["sqlalchemy.orm"]}
