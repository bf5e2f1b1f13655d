"""What is wrong with a Markdown file's front matter, said the way an editor understands it.

The YAML parser says "mapping values are not allowed here"; the office clerk who typed `title:年终冲刺` needs
"第 2 行：冒号后缺少空格". Each explanation is a catalogue key (`problem.front.*`) with its values: the Problem
carries the English text for logs and the key, and `model.load_site` shows it in the site's language.
"""

from __future__ import annotations

import re

import yaml

from ..errors import Problem, explained, say

# `field:value` — a field name, a colon, no space; a URL's "://" is not one.
_NO_SPACE = re.compile(r"^[A-Za-z_][\w-]*:(?!//)[^\s]")
# `field：value` — a full-width colon typed by a Chinese input method where YAML needs ":".
_FULL_WIDTH = re.compile(r"^[A-Za-z_][\w-]*\s*：")
_FIELD = re.compile(r"^[A-Za-z_][\w-]*\s*:(\s|$)")


def _typing_slip(front: str) -> tuple[int, str] | None:
    """The first line (numbered as in the file: the opening --- is line 1) with a slip YAML trips on."""
    for number, line in enumerate(front.splitlines(), start=2):
        if line.lstrip().startswith("#") or not line.strip():
            continue
        if "\t" in line[: len(line) - len(line.lstrip())]:
            return number, "problem.front.tab"
        if line[:1].isspace() or line.startswith("-"):
            continue  # a continued value or a list item
        if _FULL_WIDTH.match(line) and not _FIELD.match(line):
            return number, "problem.front.full_width_colon"
        if _NO_SPACE.match(line) and not _FIELD.match(line):
            return number, "problem.front.no_space"
    return None


def yaml_problem(file: str, front: str, exc: yaml.YAMLError | None) -> Problem:
    """Explain why front matter could not be read as `field: value` lines (`exc` None: it read as something else,
    such as one line of text)."""
    slip = _typing_slip(front)
    if slip is not None:
        line, key = slip
        return explained(file, line, None, say(key))
    mark = getattr(exc, "problem_mark", None)
    line = mark.line + 2 if mark is not None else 2
    problem = str(getattr(exc, "problem", "") or "")
    context = str(getattr(exc, "context", "") or "")
    if exc is None:
        return explained(file, 2, None, say("problem.front.not_fields"))
    if "quoted scalar" in context or "end of stream" in problem:
        start = getattr(exc, "context_mark", None)
        line = start.line + 2 if start is not None else line
        return explained(file, line, None, say("problem.front.unclosed_quote"))
    if "mapping values are not allowed" in problem:
        return explained(file, line, None, say("problem.front.colon_in_value"))
    if "could not find expected ':'" in problem or "expected <block end>" in problem:
        return explained(file, line, None, say("problem.front.no_colon"))
    reason = problem or str(exc).splitlines()[0]
    return explained(file, line, None, say("problem.front.yaml", reason=reason))
