"""The shape of the package: no import cycle among generator's modules, no build state in module globals
(private imports are checked in test_lint.py).

Every import counts, those inside functions too: a cycle hidden in a function is still two modules that
cannot be understood, changed or tested one without the other.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "generator"


def module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imported_modules(path: Path, root: Path, known: set[str]) -> set[str]:
    """The package's modules that the module at `path` imports, anywhere in it (functions included)."""
    name = module_name(path, root)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[:len(base) - (node.level - 1)]
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module or ""
            # `from .pkg import mod` imports the module mod; `from .mod import name`, the module mod.
            targets = [f"{module}.{alias.name}" if f"{module}.{alias.name}" in known else module
                       for alias in node.names]
        else:
            continue
        for target in targets:
            while target and target not in known:  # a name inside a module: the module
                target = target.rpartition(".")[0]
            if target and target != name:
                found.add(target)
    return found


def import_graph(root: Path = PACKAGE) -> dict[str, set[str]]:
    files = sorted(root.rglob("*.py"))
    known = {module_name(path, root) for path in files}
    return {module_name(path, root): imported_modules(path, root, known) for path in files}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every strongly connected group of more than one module (Tarjan's algorithm), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_import_cycle_among_the_modules() -> None:
    graph = import_graph()
    assert "generator.cache" in graph and "generator.commands.build" in graph
    assert cycles(graph) == []


def test_a_function_level_import_closes_a_cycle(tmp_path: Path) -> None:
    # What the check must catch: a module importing another at the top, and that one importing it back inside a
    # function (as cache.py once took Output from writer.py).
    root = tmp_path / "generator"
    (root / "inputs").mkdir(parents=True)
    (root / "__init__.py").write_text("")
    (root / "inputs" / "__init__.py").write_text("")
    (root / "writer.py").write_text("from .cache import workers\n")
    (root / "cache.py").write_text("def get():\n    from .writer import Output\n    return Output\n")
    (root / "inputs" / "parsing.py").write_text("from .. import cache\n")
    graph = import_graph(root)
    assert graph["generator.inputs.parsing"] == {"generator.cache"}
    assert cycles(graph) == [["generator.cache", "generator.writer"]]


# Module-level state that is the process's, not a build's: what each holds is the same whichever build asks.
PROCESS_STATE = {
    "fonts._registered",  # the font files registered with the chart renderer of this process
    "fonts._temp",  # the process's temporary folder for a font file
    "charts._compiled",  # the chart templates compiled from the package's file
    "parallel._FUNCTION",  # the function forked workers inherit, set only while they run
    "pages.warnings.RULES",  # the warning rules, registered as their modules are imported
}


def test_build_state_is_passed_in_not_kept_in_module_globals() -> None:
    # What one build leaves to the next lives in a BuildState (generator/state.py), passed in; a module may keep
    # only the process's own state (PROCESS_STATE). Found: a module-level empty container or None, a memo made
    # at import, or a `global` statement.
    found = set()
    for path in sorted(PACKAGE.rglob("*.py")):
        module = path.relative_to(PACKAGE).with_suffix("").as_posix().replace("/", ".")
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for node in tree.body:
            target, value = None, None
            if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
                target, value = node.targets[0].id, node.value
            elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
                target, value = node.target.id, node.value
            if target is None or value is None:
                continue
            empty = (isinstance(value, (ast.Dict, ast.List, ast.Set)) and not getattr(value, "keys", None)
                     and not getattr(value, "elts", None))
            made = (isinstance(value, ast.Call) and isinstance(value.func, ast.Name)
                    and value.func.id in {"dict", "list", "set", "OrderedDict", "defaultdict", "_Memo", "Memo"})
            none = isinstance(value, ast.Constant) and value.value is None
            if empty or made or none:
                found.add(f"{module}.{target}")
        for node in ast.walk(tree):
            if isinstance(node, ast.Global):
                found.update(f"{module}.{name}" for name in node.names)
    assert found <= PROCESS_STATE, sorted(found - PROCESS_STATE)
