"""Finding comment nodes by a pattern with one scan of the text instead of a walk over nodes."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator

from ...syntax.nodes import Comment, Dockerfile, Node


def comments_matching(tree: Dockerfile,
                      pattern: re.Pattern[str]) -> Iterator[tuple[int, Comment]]:
    """The comment nodes on whose line ``pattern`` matches the text, with their indexes in
    ``tree.nodes``, in order, once each.

    With a pattern whose matches start with ``#`` and hold no other ``#`` (so that no match
    swallows the start of the next comment), every comment whose text starts with a match is
    among them.
    """
    text, nodes = tree.text, tree.nodes
    line = at = 0
    last = -1
    for match in pattern.finditer(text):
        line += text.count("\n", at, match.start())
        at = match.start()
        k = bisect_right(nodes, line, key=_start_line) - 1
        node = nodes[k]
        if k > last and isinstance(node, Comment):
            last = k
            yield k, node


def _start_line(node: Node) -> int:
    return node.start_line
