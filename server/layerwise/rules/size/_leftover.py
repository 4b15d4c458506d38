"""The base of the size rules that look at one RUN whose leftovers may reach the image."""

from __future__ import annotations

from collections.abc import Hashable, Iterator
from typing import ClassVar

from ...model.analysis import Analysis
from ...model.layers import Layer
from ..base import Finding, InstructionRule, Reads
from ._layers import leftover, shipping


class LeftoverRule(InstructionRule):
    """A rule checked RUN by RUN, in the image chain and in artifact stages.

    Its findings read the RUN's lineage (earlier configuration, later removals: the image
    chain, or the artifact stage) and, in an artifact stage, which paths the image copies out
    of it: that depends on the stages copying from it, so it is the memo :meth:`context`.
    """

    names: ClassVar[frozenset[str] | None] = frozenset({"RUN"})
    reads: ClassVar[Reads] = Reads.LINEAGE
    reads_inert_runs: ClassVar[bool] = False

    def context(self, analysis: Analysis) -> Hashable:
        """The shipped regions of the artifact stages."""
        return shipping(analysis)

    def check_instruction(self, analysis: Analysis, index: int) -> Iterator[Finding]:
        """Check the instruction's layer if its leftovers may reach the image."""
        layer = analysis.layer_at(index)
        if layer is not None and leftover(analysis, layer):
            yield from self.check_layer(analysis, layer)

    def check_layer(self, analysis: Analysis, layer: Layer) -> Iterator[Finding]:
        """Yield the findings of one RUN layer."""
        raise NotImplementedError
