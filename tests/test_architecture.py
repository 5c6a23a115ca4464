"""The house rules (issue 25), read from the source: module size, import circles, layers, private names.

The layers, bottom to top (a module may import its own layer and those below it):

0. ``core``: settings and errors, which every layer imports;
1. ``pipeline``: the domain stages (classification, extraction, validity, the profile);
2. ``ocr`` (the reading of pages), ``indexing`` (the search index), ``ledger`` (what was read and
   decided, in SQLite or PostgreSQL), ``reporting`` (the quarterly report);
3. ``flows``: Prefect wires the stages;
4. ``web`` and ``samples`` (the generator); 5. ``sohoa`` (the CLI) at the top; 6. ``bench``.
"""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

#: Each package's layer; a module imports only from its own layer or lower ones.
LAYERS = {
    "core": 0,
    "pipeline": 1,
    "ocr": 2, "indexing": 2, "ledger": 2, "reporting": 2,
    "flows": 3,
    "web": 4, "sohoa": 5, "samples": 4, "bench": 6,
}
#: Same-layer packages that must not import each other either (the reading of pages knows no index).
APART = {("web", "flows"), ("ocr", "indexing"), ("indexing", "ocr"), ("ocr", "reporting"),
         ("indexing", "reporting"), ("ledger", "reporting"), ("ledger", "indexing"), ("ledger", "ocr")}
MAX_LINES = 500


@cache
def _modules() -> dict[str, Path]:
    found = {}
    for package in LAYERS:
        for path in sorted((ROOT / package).rglob("*.py")):
            found[".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")] = path
    return found


@cache
def _all_imports(module: str) -> tuple[tuple[str, str | None, int], ...]:
    """(imported module, imported name or None, line) of every import in ``module``, at any depth."""
    path = _modules()[module]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: list[tuple[str, str | None, int]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(a.name, None, node.lineno) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                base = ".".join([*parts[: len(parts) - node.level + 1], *([base] if base else [])])
            for alias in node.names:
                sub = f"{base}.{alias.name}"
                found.append((sub, None, node.lineno) if sub in _modules() else (base, alias.name, node.lineno))
    return tuple(found)


def _imports(module: str) -> tuple[tuple[str, str | None, int], ...]:
    """The imports of ``module`` (:func:`_all_imports`) from sohoa's own packages."""
    return tuple((m, n, line) for m, n, line in _all_imports(module) if m.split(".")[0] in LAYERS)


def test_no_module_is_over_the_limit() -> None:
    long = {m: n for m, p in _modules().items() if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert not long, f"modules over {MAX_LINES} lines: {long}"


def test_no_import_circle() -> None:
    graph = {m: {i for i, _, _ in _imports(m) if i in _modules() and i != m} for m in _modules()}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    circles: list[list[str]] = []

    def visit(v: str) -> None:  # Tarjan's strongly connected components
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            part = []
            while (w := stack.pop()) != v:
                part.append(w)
            if part:
                circles.append(sorted([v, *part]))

    for module in graph:
        if module not in index:
            visit(module)
    assert not circles, f"modules that import each other: {circles}"


def test_no_arrow_from_a_lower_layer_to_a_higher_one() -> None:
    wrong = []
    for module in _modules():
        own = module.split(".")[0]
        for imported, _, line in _imports(module):
            other = imported.split(".")[0]
            if LAYERS[other] > LAYERS[own] or (own, other) in APART:
                wrong.append(f"{module}:{line} imports {imported}")
    assert not wrong, "\n".join(dict.fromkeys(wrong))


def test_nothing_private_is_imported_across_modules() -> None:
    """A leading underscore is a module's own name; a package's ``_name.py`` is its package's own."""
    wrong = []
    for module, path in _modules().items():
        package = module if path.name == "__init__.py" else module.rpartition(".")[0]
        for imported, name, line in _imports(module):
            if name is not None and name.startswith("_") and not name.startswith("__"):
                wrong.append(f"{module}:{line} imports {name} from {imported}")
            hidden = [part for part in imported.split(".") if part.startswith("_") and part != "__init__"]
            if hidden and imported.rpartition(".")[0] != package:
                wrong.append(f"{module}:{line} imports the private module {imported}")
    assert not wrong, "\n".join(dict.fromkeys(wrong))


@pytest.mark.parametrize("package", ["pipeline", "ocr", "indexing", "ledger", "reporting", "core"])
def test_stages_never_import_prefect(package: str) -> None:
    # STYLE.md: pipeline/, ocr/ and indexing/ never import Prefect; flows/ wraps them.
    heavy = [f"{m}:{line}" for m in _modules() if m.split(".")[0] == package
             for imported, _, line in _all_imports(m) if imported.split(".")[0] == "prefect"]
    assert not heavy, heavy
