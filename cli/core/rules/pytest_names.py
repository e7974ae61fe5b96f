"""Which cassettes a pytest module's tests record under, as pytest-recording names them:
for the orphaned-cassette rule (V006).

Rules:
- The layout is pytest-recording's: a test in `<dir>/<module>.py` records to
  `<dir>/cassettes/<module>/<name>.yaml`, where the name is the test's (`test_chat`), with
  its class (`TestChat.test_chat`) and its parametrized id (`test_chat[gpt-4o]`), the
  characters a file name can't hold replaced by `-`.
- A module is read with `ast`, never imported: test code is not run to be judged.
- Known names: every function a test could be (module level, and the methods of each
  class, nested classes and bases defined in the module included), and names a module
  assigns (`test_x = make_test(...)`). Names a class inherits from a base defined
  elsewhere can't be known: such a class makes every name under it possible.
- A module that names cassettes itself is not judged: a string literal that is the
  cassette's name (`@pytest.mark.vcr("shared.yaml")`), or a `vcr_cassette_dir` /
  `default_cassette_name` / `vcr_cassette_name` of its own.
- Modules are read once per process (cached by path, size and mtime).
"""

from __future__ import annotations

import ast
import os
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

_OWN_NAMING = frozenset({"vcr_cassette_dir", "default_cassette_name", "vcr_cassette_name"})


@dataclass(frozen=True)
class ModuleNames:
    functions: frozenset[str]  # module-level names
    methods: frozenset[tuple[str, str]]  # (class name, method name)
    open_classes: frozenset[str]  # classes with a base defined elsewhere
    strings: frozenset[str] = field(default=frozenset())  # string literals
    own_naming: bool = False  # the module names its cassettes itself


def module_for(cassette: Path) -> Path | None:
    """`<dir>/<module>.py` for a cassette at `<dir>/cassettes/<module>/<name>.yaml`, when
    that module exists; None otherwise."""
    module = module_path(cassette.parent)
    return module if module is not None and module.is_file() else None


def module_path(folder: Path) -> Path | None:
    """Where the module whose tests record into `folder` would be, in pytest-recording's
    layout (`<dir>/cassettes/<module>/` -> `<dir>/<module>.py`); None outside it."""
    if folder.parent.name != "cassettes":
        return None
    return folder.parent.parent / f"{folder.name}.py"


def module_stamp(cassette: Path) -> str:
    """The size, mtime and inode of the module a cassette's V006 finding reads, or ""
    when there is none: what a cached finding depends on besides its own file."""
    module = module_path(cassette.parent)
    if module is None:
        return ""
    try:
        info = os.stat(module)
    except OSError:
        return "none"
    return f"{info.st_size}:{info.st_mtime_ns}:{info.st_ino}"


def is_orphan(cassette: Path, module: Path) -> bool | None:
    """Whether no test of `module` records to `cassette`; None when that can't be told
    (the module doesn't parse, or names its cassettes itself)."""
    try:
        stat = os.stat(module)
    except OSError:
        return None
    names = _read(str(module), stat.st_size, stat.st_mtime_ns)
    if names is None or names.own_naming:
        return None
    stem = cassette.stem
    if stem in names.strings or cassette.name in names.strings:
        return False
    test = stem.split("[", 1)[0]  # a parametrized id follows the name
    owner, dot, method = test.rpartition(".")
    if not dot:
        return test not in names.functions
    if owner in names.open_classes:
        return False
    return (owner, method) not in names.methods


@lru_cache(maxsize=256)
def _read(path: str, size: int, mtime: int) -> ModuleNames | None:
    try:
        tree = ast.parse(Path(path).read_bytes(), filename=path)
    except (OSError, SyntaxError, ValueError, RecursionError):
        return None
    functions: set[str] = set()
    strings: set[str] = set()
    classes: dict[str, ast.ClassDef] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef):
            classes.setdefault(node.name, node)
        elif (
            isinstance(node, ast.Constant) and isinstance(node.value, str) and len(node.value) < 300
        ):
            strings.add(node.value)
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            functions.add(node.name)
        elif isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            functions.update(t.id for t in targets if isinstance(t, ast.Name))
    methods: set[tuple[str, str]] = set()
    open_classes: set[str] = set()
    for name, node in classes.items():
        own = _methods(node, classes, set())
        if own is None:
            open_classes.add(name)
        else:
            methods.update((name, method) for method in own)
    return ModuleNames(
        frozenset(functions),
        frozenset(methods),
        frozenset(open_classes),
        frozenset(strings),
        own_naming=bool(_OWN_NAMING & (functions | {m for _, m in methods})),
    )


def _methods(
    node: ast.ClassDef, classes: dict[str, ast.ClassDef], seen: set[str]
) -> set[str] | None:
    """The names a class has, its bases' included; None when a base is defined elsewhere
    (its names can't be known)."""
    if node.name in seen:
        return set()
    seen.add(node.name)
    names: set[str] = set()
    for item in node.body:
        if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef):
            names.add(item.name)
        elif isinstance(item, ast.Assign):
            names.update(t.id for t in item.targets if isinstance(t, ast.Name))
    for base in node.bases:
        name = base.id if isinstance(base, ast.Name) else None
        if name == "object":
            continue
        if name is None or name not in classes:
            return None
        inherited = _methods(classes[name], classes, seen)
        if inherited is None:
            return None
        names |= inherited
    return names
