"""Compare Layerwise's parser with BuildKit's (PyPI ``dockerfile``), the test oracle.

The oracle vendors BuildKit v0.12.5. Layerwise follows current BuildKit where the two differ;
``known_divergence`` names those inputs so that the comparison skips them:
- JSON exec form followed by more text (``RUN ["a"] b``): v0.12.5 ignores the tail, current
  BuildKit reads the whole line as shell form;
- ``<< EOF`` with a space after ``<<`` is a heredoc only in current BuildKit;
- ``# check=`` is a parser directive only in current BuildKit (it matters when repeated or
  followed by ``# escape=``).
"""

from __future__ import annotations

import json
import re
from typing import Any

import dockerfile

from layerwise.syntax.nodes import Dockerfile, Instruction

_JSON_TAIL = re.compile(r"^\s*(ADD|COPY|VOLUME|RUN|CMD|ENTRYPOINT|SHELL|HEALTHCHECK)\b", re.IGNORECASE | re.MULTILINE)


def known_divergence(text: str) -> str | None:
    """Say why the oracle's answer for ``text`` is not current BuildKit's, or ``None``."""
    if re.search(r"<<-?[ \t]+\S", text):
        return "space after <<"
    checks = re.findall(r"^[ \t]*#[ \t]*check[ \t]*=", text, re.IGNORECASE | re.MULTILINE)
    if len(checks) > 1 or checks and re.search(r"^[ \t]*#[ \t]*escape[ \t]*=", text, re.IGNORECASE | re.MULTILINE):
        return "check directive"
    for line in text.splitlines():
        s = line.strip()
        i = s.find("[")
        if i < 0 or not _JSON_TAIL.match(s):
            continue
        try:
            _, end = json.JSONDecoder().raw_decode(s[i:])
        except ValueError:
            continue
        if s[i + end:].strip():
            return "text after JSON array"
    return None


def oracle(text: str) -> list[dict[str, Any]] | None:
    """BuildKit's view of the file, or ``None`` when it rejects it."""
    try:
        commands = dockerfile.parse_string(text)
    except dockerfile.GoParseError:
        return None
    return [
        {
            "cmd": c.cmd,
            "sub_cmd": c.sub_cmd,
            "json": c.json,
            "start_line": c.start_line,
            "end_line": c.end_line,
            "flags": list(c.flags),
            "value": list(c.value),
            "heredocs": [(h.name, h.content) for h in c.heredocs],
        }
        for c in commands
    ]


def ours(tree: Dockerfile) -> list[dict[str, Any]]:
    """Layerwise's tree in the oracle's shape."""
    return [_shape(inst) for inst in tree.instructions]


def _shape(inst: Instruction) -> dict[str, Any]:
    """One instruction in the oracle's shape (1-based lines, BuildKit's value list)."""
    target = inst.sub or inst
    heredocs = [] if inst.sub else [(h.name, h.content) for h in inst.heredocs]
    return {
        "cmd": inst.keyword.value or None,
        "sub_cmd": inst.sub.keyword.value if inst.sub else None,
        "json": target.json,
        "start_line": inst.start_line + 1,
        "end_line": inst.end_line + 1,
        "flags": [f.word for f in inst.flags],
        "value": _value(target),
        "heredocs": heredocs,
    }


def _value(inst: Instruction) -> list[str]:
    """BuildKit's ``Next`` chain for an instruction."""
    name = inst.name
    if inst.json:
        head = [inst.words[0].value] if name == "HEALTHCHECK" and inst.words else []
        return head + [t.value for t in inst.exec_args]
    if name in ("ENV", "LABEL"):
        out: list[str] = []
        for kv in inst.pairs:
            out.append(kv.key.value)
            if kv.value is not None:
                out.append(kv.value.value)
        return out
    if name == "ARG":
        return [kv.key.value + ("=" + kv.value.value if kv.value else "") for kv in inst.pairs]
    if name == "HEALTHCHECK":
        if not inst.words:
            return []
        typ = inst.words[0]
        cmd = inst.args.value[len(typ.value):].strip()
        return [typ.value] + ([cmd] if cmd else [])
    if name in ("FROM", "EXPOSE", "ADD", "COPY", "VOLUME"):
        return [t.value for t in inst.words]
    if name in ("RUN", "CMD", "ENTRYPOINT", "SHELL", "MAINTAINER", "STOPSIGNAL", "USER",
                "WORKDIR"):
        return [inst.args.value] if inst.args.value else []
    if name == "ONBUILD":
        return [""] if inst.sub else []
    return [""]
