"""The code stays clean by the checks a developer runs, as part of the suite: ruff, mypy, vulture, and no module
reaching into another module's private names."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "generator"


def test_ruff_finds_nothing() -> None:
    result = subprocess.run([sys.executable, "-m", "ruff", "check", "--no-cache", "generator", "tests", "scripts",
                             "benchmarks"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_finds_nothing() -> None:
    """mypy with the settings of pyproject.toml's [tool.mypy] (files: generator/); its cache in .mypy_cache so a
    second run checks only what changed."""
    result = subprocess.run([sys.executable, "-m", "mypy", "--cache-dir", str(ROOT / ".mypy_cache")], cwd=ROOT,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_vulture_finds_no_dead_code() -> None:
    """vulture with the settings of pyproject.toml's [tool.vulture]: what it wrongly calls unused (names read by
    templates, click or a library) is listed in tests/vulture_whitelist.py."""
    result = subprocess.run([sys.executable, "-m", "vulture"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imported_module(node: ast.ImportFrom, here: str, is_package: bool) -> str:
    """The absolute name of the module an import statement names (`from ..x import y` in generator.a.b: generator.x)."""
    if node.level == 0:
        return node.module or ""
    base = here.split(".")
    base = base[: len(base) - node.level + (1 if is_package else 0)]
    return ".".join([*base, node.module] if node.module else base)


def _is_module(name: str) -> bool:
    path = PACKAGE.parent / Path(*name.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def _private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def private_imports(source: str, path: Path) -> list[str]:
    """Where the module at `path` (in generator/) uses another generator module's private name (`_name`): imported
    by name (`from .x import _y`, `from .. import _y as z`), or read off an imported generator module
    (`from . import x` then `x._y`, `import generator.x as m` then `m._y`)."""
    here = _module_name(path)
    is_package = path.name == "__init__.py"
    tree = ast.parse(source, filename=str(path))
    where = path.relative_to(ROOT)
    found = []
    modules: dict[str, str] = {}  # local name -> the generator module it is bound to
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            origin = _imported_module(node, here, is_package)
            if origin != "generator" and not origin.startswith("generator."):
                continue
            for alias in node.names:
                if _private(alias.name) and origin != here:
                    found.append(f"{where}:{node.lineno}: imports {alias.name} from {origin}")
                if _is_module(f"{origin}.{alias.name}"):
                    modules[alias.asname or alias.name] = f"{origin}.{alias.name}"
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("generator.") and alias.asname:
                    modules[alias.asname] = alias.name
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and _private(node.attr) \
                and modules.get(node.value.id, here) != here:
            found.append(f"{where}:{node.lineno}: reads {node.attr} of {modules[node.value.id]}")
    return sorted(found, key=lambda line: int(line.split(":")[1]))


def test_private_import_finder_sees_each_form() -> None:
    source = ("from .kpis import _a, b\nfrom ..charts import _c as c\nfrom . import kpis\n"
              "import generator.formats as f\nkpis._d\nf._e\nkpis.__name__\nfrom .kpis import __all__\n"
              "from .tracking import _own\nfrom os import _exit\n")
    found = private_imports(source, PACKAGE / "metrics" / "tracking.py")
    assert [line.split(": ", 1)[1] for line in found] == [
        "imports _a from generator.metrics.kpis", "imports _c from generator.charts",
        "reads _d of generator.metrics.kpis", "reads _e of generator.formats"]


def test_no_module_imports_another_modules_private_names() -> None:
    """A name starting with _ belongs to its module: another module that needs it gets a public name, so a change
    inside one module cannot break another unseen."""
    found = [line for path in sorted(PACKAGE.rglob("*.py"))
             for line in private_imports(path.read_text(encoding="utf-8"), path)]
    assert found == [], "\n".join(found)
