"""Which findings the file's pragmas suppress, including hadolint's and BuildKit's."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterator, Mapping

from ..record import replace
from ..syntax.nodes import Comment, Directive, Dockerfile, Instruction
from ..syntax.pragmas import CheckDirective, Pragma, check_directive, find_pragmas
from .base import Finding
from .syntax._comments import comments_matching

#: hadolint rule → the Layerwise rules that cover it (rule catalog, table B4).
HADOLINT: Mapping[str, tuple[str, ...]] = {
    "DL3009": ("LW204",), "DL3010": ("LW215", "LW203"), "DL3015": ("LW205",),
    "DL3019": ("LW206",), "DL3020": ("LW213", "LW214"), "DL3022": ("LW101", "LW102"),
    "DL3023": ("LW103",), "DL3024": ("LW104",), "DL3032": ("LW208",), "DL3036": ("LW208",),
    "DL3040": ("LW208",), "DL3042": ("LW207",), "DL3046": ("LW217",), "DL3060": ("LW209",),
    "DL3063": ("LW105",), "DL3064": ("LW301", "LW303"), "DL3067": ("LW216",),
}
#: BuildKit build check → the Layerwise rule with the same meaning.
BUILDKIT: Mapping[str, tuple[str, ...]] = {
    "noemptycontinuation": ("LW401",), "consistentinstructioncasing": ("LW402",),
    "jsonargsrecommended": ("LW403",), "maintainerdeprecated": ("LW404",),
    "workdirrelativepath": ("LW405",), "undefinedvar": ("LW406",),
    "multipleinstructionsdisallowed": ("LW407",), "legacykeyvalueformat": ("LW408",),
    "redundanttargetplatform": ("LW409",), "fromplatformflagconstdisallowed": ("LW410",),
    "copyignoredfile": ("LW411",), "exposeprotocasing": ("LW412",),
    "exposeinvalidformat": ("LW413",), "invaliddefaultarginfrom": ("LW414",),
    "undefinedarginfrom": ("LW415",), "duplicatestagename": ("LW104",),
    "reservedstagename": ("LW105",), "stagenamecasing": ("LW105",), "fromascasing": ("LW105",),
    "secretsusedinargorenv": ("LW301",),
}


#: What every pragma comment starts with (``# layerwise:``, ``# hadolint``, ``# check=``).
_PRAGMA = re.compile(r"#\s*(?:layerwise:|hadolint\s|check\s*=)", re.IGNORECASE)


class Suppressions:
    """The suppressions of one file, ready to test findings against."""

    def __init__(self, tree: Dockerfile) -> None:
        self._file: set[str] = set()
        self._by_instruction: dict[int, set[str]] = {}
        self._buildkit_all = False
        self.check: CheckDirective = check_directive(tree)
        for code in self.check.skip:
            self._add_buildkit(code, None)
        for pragma in _pragmas(tree):
            self._add(pragma)
        self._instructions = tree.instructions

    def suppressed(self, finding: Finding) -> bool:
        """Tell whether a finding is switched off by a pragma."""
        if self._matches(self._file, finding):
            return True
        if self._buildkit_all and finding.rule_id.startswith("LW4"):
            return True
        if not self._by_instruction:
            return False
        index = bisect_right(self._instructions, finding.span.start.line, key=_start_line) - 1
        codes = self._by_instruction.get(index)
        return codes is not None and self._matches(codes, finding)

    @staticmethod
    def _matches(codes: set[str], finding: Finding) -> bool:
        return finding.rule_id.lower() in codes or finding.name in codes

    def _target(self, instruction: int | None) -> set[str]:
        if instruction is None:
            return self._file
        return self._by_instruction.setdefault(instruction, set())

    def _add(self, pragma: Pragma) -> None:
        target = self._target(pragma.instruction)
        for code in pragma.codes:
            if pragma.kind == "layerwise":
                target.add(code.lower())
            elif pragma.kind == "hadolint":
                target.update(c.lower() for c in HADOLINT.get(code.upper(), ()))
            else:
                self._add_buildkit(code, pragma.instruction)

    def _add_buildkit(self, code: str, instruction: int | None) -> None:
        if code.lower() == "all":
            if instruction is None:
                self._buildkit_all = True
            else:
                self._target(instruction).update(
                    c.lower() for ids in BUILDKIT.values() for c in ids if c.startswith("LW4"))
            return
        self._target(instruction).update(c.lower() for c in BUILDKIT.get(code.lower(), ()))


def _pragmas(tree: Dockerfile) -> Iterator[Pragma]:
    """The pragmas :func:`find_pragmas` finds, read only around the comments that may be ones
    (a scan of the text, so that a keystroke does not walk every node)."""
    nodes = tree.nodes
    end = -1
    for k, _ in comments_matching(tree, _PRAGMA):
        if k <= end:
            continue  # read with the block above
        end = k
        while end < len(nodes) and isinstance(nodes[end], Comment | Directive):
            end += 1
        # the block's pragmas apply to the instruction below it, unless a blank line follows
        target = nodes[end] if end < len(nodes) else None
        index = bisect_left(tree.instructions, target.start_line, key=_start_line) \
            if isinstance(target, Instruction) else None
        for pragma in find_pragmas(replace(tree, nodes=nodes[k:end + 1])):
            yield pragma if pragma.instruction is None else replace(pragma, instruction=index)


def _start_line(inst: Instruction) -> int:
    return inst.start_line
