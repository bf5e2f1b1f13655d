"""A site's template overrides, block by block: which built-in templates and blocks there are, which a site's
`theme/templates/` replaces, and an error for a block that does not exist (after an upgrade renamed it, say).

A site's `theme/templates/board.html` that starts `{% extends "builtin/board.html" %}` replaces only the blocks it
names; the rest of the built-in template, and every later fix to it, still reaches the site.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

from jinja2 import Environment, TemplateSyntaxError, nodes

from .errors import Problem, Text, explained, say

THEME_PACKAGE = "generator"
SITE_TEMPLATES = "theme/templates"
BUILTIN_PREFIX = "builtin/"  # `{% extends "builtin/board.html" %}`: the built-in template, never the site's


@cache
def builtin_sources() -> dict[str, str]:
    """Every built-in template's source, by name ("board.html", "_macros.html")."""
    folder = resources.files(THEME_PACKAGE).joinpath("theme", "templates")
    return {entry.name: entry.read_text(encoding="utf-8") for entry in folder.iterdir()
            if entry.name.endswith(".html") and not entry.name.startswith(".")}


def _parse(source: str, name: str) -> nodes.Template:
    # The syntax only: the renderer's own settings change no block or extends.
    return Environment(autoescape=True).parse(source, name)


def _parent(tree: nodes.Template) -> str | None:
    """The template a template extends, when it names it by a constant."""
    found = tree.find(nodes.Extends)
    if found is not None and isinstance(found.template, nodes.Const) and isinstance(found.template.value, str):
        return found.template.value
    return None


def _blocks(tree: nodes.Template) -> list[str]:
    return [block.name for block in tree.find_all(nodes.Block)]


@cache
def builtin_parts(name: str) -> tuple[tuple[str, ...], str | None]:
    """A built-in template's own blocks, in order, and the built-in template it extends (or None)."""
    tree = _parse(builtin_sources()[name], name)
    parent = _parent(tree)
    return tuple(_blocks(tree)), parent.removeprefix(BUILTIN_PREFIX) if parent else None


@cache
def builtin_blocks(name: str) -> tuple[str, ...]:
    """The blocks a template extending the built-in `name` may replace: its own and those of the built-in
    templates it extends, sorted."""
    found: set[str] = set()
    seen: set[str] = set()
    current: str | None = name
    while current is not None and current not in seen and current in builtin_sources():
        seen.add(current)
        own, current = builtin_parts(current)
        found.update(own)
    return tuple(sorted(found))


@dataclass(frozen=True)
class Override:
    """A template of the site's theme: which built-in template it extends (or replaces whole) and its blocks."""

    path: str  # "theme/templates/board.html"
    name: str  # "board.html"
    extends: str | None  # the built-in template it extends block by block, else None
    blocks: tuple[str, ...]
    problem: Text | None  # why it cannot be used, else None


def read_override(root: Path, path: Path, site_names: frozenset[str] = frozenset()) -> Override:
    """Parse one template of the site's theme (a file under theme/templates/). `site_names` are the site's
    templates: one extended by its plain name ("base.html") is the site's, not the built-in one."""
    relative = path.relative_to(root).as_posix()
    name = path.relative_to(root / SITE_TEMPLATES).as_posix()
    try:
        tree = _parse(path.read_text(encoding="utf-8"), relative)
    except UnicodeDecodeError:
        return Override(relative, name, None, (), say("problem.file.not_utf8"))
    except TemplateSyntaxError as exc:
        return Override(relative, name, None, (), say("problem.theme.syntax", line=exc.lineno, reason=exc.message))
    blocks = tuple(_blocks(tree))
    parent = _parent(tree)
    plain_builtin = parent in builtin_sources() and parent not in site_names
    if parent is None or not (parent.startswith(BUILTIN_PREFIX) or plain_builtin):
        return Override(relative, name, None, blocks, None)
    base = parent.removeprefix(BUILTIN_PREFIX)
    if base not in builtin_sources():
        return Override(relative, name, base, blocks, say("problem.theme.unknown_parent", parent=parent,
                                                          templates=", ".join(sorted(builtin_sources()))))
    available = builtin_blocks(base)
    unknown = [block for block in blocks if block not in available]
    if unknown:
        return Override(relative, name, base, blocks, say("problem.theme.unknown_block", block=unknown[0], base=base,
                                                          blocks=", ".join(available) or say("problem.theme.none")))
    return Override(relative, name, base, blocks, None)


def site_overrides(root: Path, files: list[Path]) -> list[Override]:
    """The site's templates among a build's input files (links out of the site already left out), by path."""
    folder = root / SITE_TEMPLATES
    paths = [path for path in sorted(files) if path.suffix == ".html" and path.is_relative_to(folder)]
    names = frozenset(path.relative_to(folder).as_posix() for path in paths)
    return [read_override(root, path, names) for path in paths]


def override_problems(overrides: list[Override]) -> list[Problem]:
    """An error for each override that cannot be used: the build stops rather than silently showing the
    built-in block."""
    return [explained(o.path, None, None, o.problem, fatal=True) for o in overrides if o.problem]
