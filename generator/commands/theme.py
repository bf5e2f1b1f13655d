"""`trackboard theme list`: the built-in templates and the blocks a site may replace, and which it does."""

from __future__ import annotations

from pathlib import Path

from ..config import load_config
from ..errors import TrackboardError
from ..model import input_files
from ..overrides import SITE_TEMPLATES, Override, builtin_blocks, builtin_parts, builtin_sources, site_overrides


def _template_line(name: str, override: Override | None) -> str:
    """`board.html: alerts, …, notices*, title; and base.html's: footer, head, header, main`, * marking a block
    the site replaces, then how the site overrides the template."""
    own, parent = builtin_parts(name)
    replaced = set(override.blocks) if override is not None and override.extends == name else set()

    def listed(blocks: tuple[str, ...]) -> str:
        return ", ".join(block + ("*" if block in replaced else "") for block in sorted(blocks)) or "no blocks"

    line = f"{name}: {listed(own)}"
    if parent is not None:
        inherited = tuple(block for block in builtin_blocks(parent) if block not in own)
        line += f"; and {parent}'s: {listed(inherited)}"
    if override is not None:
        how = "blocks replaced" if override.extends == name else "whole template replaced"
        line += f"  [{how} by {override.path}]"
    return line


def theme_listing(site: Path) -> list[str]:
    """One line per built-in template with its blocks, those the site replaces marked; then the site's own
    templates, and an "Error:" line for each of the site's templates that cannot be used."""
    if not site.is_dir():
        raise TrackboardError(f"{site}: no such site folder")
    config, _ = load_config(site)
    overrides = {o.name: o for o in site_overrides(site, input_files(site, config)[0])}
    lines = [f"Built-in templates and their blocks (* replaced by the site's {SITE_TEMPLATES}/):"]
    lines.extend(_template_line(name, overrides.get(name)) for name in sorted(builtin_sources()))
    own = [o for o in overrides.values() if o.name not in builtin_sources()]
    if own:
        lines.append("The site's own templates:")
        lines.extend(f"  {o.path}" + (f" (extends built-in {o.extends})" if o.extends else "") for o in own)
    lines.extend(f"Error: {o.path}: {o.problem}" for o in overrides.values() if o.problem)
    return lines
