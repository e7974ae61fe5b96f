"""The layout holds: no import cycles, small folders and modules, and layers that only
import downwards (commands -> render -> core; core never imports the CLI layer, and only
`cli.core.formats` knows llama-stack's format from outside it)."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT

PACKAGE = REPO_ROOT / "cli"


def _modules() -> dict[str, Path]:
    modules = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(REPO_ROOT).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        modules[".".join(parts)] = path
    return modules


MODULES = _modules()


def _imports(name: str, path: Path, *, type_checking: bool = False) -> Iterator[str]:
    """The project modules `name` imports, at any depth of its code (function-level
    imports included), except under `if TYPE_CHECKING:` unless asked."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    skipped: set[int] = set()
    if not type_checking:
        for node in ast.walk(tree):
            if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
                skipped.update(id(child) for child in ast.walk(node))
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name in MODULES:
                    yield alias.name
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1])
                base = f"{base}.{node.module}" if node.module else base
            for alias in node.names:
                target = f"{base}.{alias.name}"
                if target in MODULES:
                    yield target
                elif base in MODULES:
                    yield base


GRAPH = {name: sorted(set(_imports(name, path))) for name, path in MODULES.items()}


def _cycle() -> list[str] | None:
    """One import cycle, as the list of modules along it, or None."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for target in GRAPH.get(node, []):
            if state.get(target) == 1:
                return [*stack[stack.index(target) :], target]
            if target not in state:
                found = visit(target)
                if found:
                    return found
        stack.pop()
        state[node] = 2
        return None

    for node in GRAPH:
        if node not in state:
            found = visit(node)
            if found:
                return found
    return None


def test_the_walk_sees_imports() -> None:
    """The checks below mean something only if the graph is really read."""
    assert "cli.core.formats" in GRAPH["cli.commands.show"]
    assert "cli.core.rules.base" in GRAPH["cli.core.rules.structure"]


def test_no_import_cycles() -> None:
    cycle = _cycle()
    assert cycle is None, "import cycle: " + " -> ".join(cycle or [])


def test_core_never_imports_the_cli_layer() -> None:
    allowed = {"cli", "cli.errors", "cli.messages"}  # cli: the version
    wrong = {
        (name, target)
        for name, targets in GRAPH.items()
        if name.startswith("cli.core")
        for target in targets
        if not target.startswith("cli.core") and target not in allowed
    }
    assert not wrong


@pytest.mark.parametrize("layer", ["cli.commands", "cli.render"])
def test_commands_and_render_go_through_the_format_neutral_api(layer: str) -> None:
    wrong = {
        (name, target)
        for name, path in MODULES.items()
        if name.startswith(layer)
        for target in _imports(name, path, type_checking=True)
        if target.startswith("cli.core.formats.")
    }
    assert not wrong


def test_folders_hold_at_most_15_modules_and_modules_at_most_400_lines() -> None:
    folders: dict[Path, int] = {}
    for path in MODULES.values():
        if path.name != "__init__.py":
            folders[path.parent] = folders.get(path.parent, 0) + 1
    crowded = {str(folder.relative_to(REPO_ROOT)): n for folder, n in folders.items() if n > 15}
    assert not crowded
    long = {
        str(path.relative_to(REPO_ROOT)): lines
        for path in MODULES.values()
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > 400
    }
    assert not long
