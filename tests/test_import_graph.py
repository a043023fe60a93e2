"""The shape of the code as imports show it: layers, no cycles, no private names shared.

Read from the source with ``ast`` (nothing is imported), so it runs in milliseconds.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("rag", "ingest", "ui", "evals")


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {
    module_name(path): path for package in PACKAGES for path in (ROOT / package).rglob("*.py")
}
TESTS = {module_name(path): path for path in (ROOT / "tests").rglob("*.py")}


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def imports(module: str, at_load_only: bool) -> Iterator[ast.ImportFrom | ast.Import]:
    """The import statements of ``module``; with ``at_load_only``, those run when it loads."""
    tree = ast.parse({**MODULES, **TESTS}[module].read_text(encoding="utf-8"))
    if not at_load_only:
        yield from (n for n in ast.walk(tree) if isinstance(n, ast.Import | ast.ImportFrom))
        return
    pending: list[ast.stmt] = list(tree.body)
    while pending:
        node = pending.pop()
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node
        elif isinstance(node, ast.If) and not _is_type_checking(node):
            pending += node.body + node.orelse
        elif isinstance(node, ast.Try):
            pending += node.body + node.orelse + node.finalbody
            pending += [stmt for handler in node.handlers for stmt in handler.body]


def imported_modules(module: str, at_load_only: bool = True) -> set[str]:
    """The project's modules that ``module`` imports (``from rag import x`` counts rag.x)."""
    found = set()
    for node in imports(module, at_load_only):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        else:
            base = node.module or ""
            names = [base] + [f"{base}.{alias.name}" for alias in node.names]
        found |= {name for name in names if name in MODULES}
    return found - {module}


def cycles() -> list[list[str]]:
    """Every import cycle among the project's modules (imports run at load time)."""
    graph = {module: imported_modules(module) for module in MODULES}
    found: list[list[str]] = []
    state: dict[str, str] = {}

    def visit(module: str, path: list[str]) -> None:
        state[module] = "open"
        for target in sorted(graph[module]):
            if state.get(target) == "open":
                found.append([*path[path.index(target) :], target])
            elif target not in state:
                visit(target, [*path, target])
        state[module] = "done"

    for module in sorted(graph):
        if module not in state:
            visit(module, [module])
    return found


def test_no_module_imports_another_that_imports_it_back() -> None:
    assert cycles() == []


def test_no_private_name_is_imported_from_another_module() -> None:
    # Tests included: they may not reach into a module's private names either.
    private = [
        f"{module}: from {node.module} import {alias.name}"
        for module in [*MODULES, *TESTS]
        for node in imports(module, at_load_only=False)
        if isinstance(node, ast.ImportFrom) and (node.module or "") in MODULES
        for alias in node.names
        if alias.name.startswith("_")
    ]
    assert private == []


def test_the_core_imports_nothing_from_the_edges() -> None:
    outward = {
        (module, target)
        for module in MODULES
        if module.startswith("rag")
        for target in imported_modules(module, at_load_only=False)
        if not target.startswith("rag")
    }
    assert outward == set()


def test_stages_know_nothing_of_the_pipeline_that_calls_them() -> None:
    callers = {m for m in MODULES if m.startswith("rag") and "rag.pipeline" in imported_modules(m)}
    assert callers == set()


def test_the_question_stage_does_not_reach_into_generation() -> None:
    # Cleaning and splitting a question needs the injection rules, not the model's prompt code.
    assert "rag.generation" not in imported_modules("rag.question", at_load_only=False)
