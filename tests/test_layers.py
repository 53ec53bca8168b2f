"""The floors of the house, checked on the source: no package of ``assistant`` imports,
directly or through others, a package that imports it back; and drafting never imports the
checks above it (medical knowledge, red flags and readability included, sits at the ground
floor in ``assistant.knowledge``). Imports only for type checkers are not counted."""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "assistant"


def _module(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _runtime_imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    typing_only = {
        id(node)
        for block in ast.walk(tree)
        if isinstance(block, ast.If) and getattr(block.test, "id", "") == "TYPE_CHECKING"
        for node in ast.walk(block)
    }
    found: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("assistant"):
            found.add(str(node.module))
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("assistant")}
    return found


def _floor(module: str) -> str:
    """``assistant.drafting.plan`` → ``assistant.drafting``; a top-level module is its own."""
    return ".".join(module.split(".")[:2])


def package_graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = defaultdict(set)
    for path in PACKAGE.rglob("*.py"):
        source = _floor(_module(path))
        for target in _runtime_imports(path):
            if _floor(target) != source:
                graph[source].add(_floor(target))
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    found: list[list[str]] = []

    def walk(node: str, path: list[str]) -> None:
        for nxt in sorted(graph.get(node, ())):
            if nxt in path:
                found.append([*path[path.index(nxt) :], nxt])
            elif len(path) < len(graph) + 1:
                walk(nxt, [*path, nxt])

    for start in sorted(graph):
        walk(start, [start])
    return found


def test_no_package_imports_one_that_imports_it_back() -> None:
    graph = package_graph()
    assert "assistant.drafting" in graph and "assistant.checks" in graph  # the walk saw them
    assert cycles(graph) == []


def test_drafting_never_imports_the_checks() -> None:
    assert "assistant.checks" not in package_graph()["assistant.drafting"]


def test_the_walk_finds_a_circle_when_there_is_one() -> None:
    assert ["a", "b", "c", "a"] in cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}})
    assert cycles({"a": {"b", "c"}, "b": {"c"}, "c": set()}) == []
