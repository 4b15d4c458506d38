"""LW003 unknown-flag."""

from __future__ import annotations

from layerwise.syntax.span import Span, TextEdit

from .helpers import fires, silent


def test_typo_pins_range_message_and_fix() -> None:
    (finding,) = fires("FROM a AS b\nFROM c\nCOPY --form=b /x /y\n", "LW003")
    assert finding.span == Span.of(2, 5, 2, 13)
    assert finding.message == "unknown flag --form for COPY; did you mean --from?"
    assert finding.fix is not None
    assert finding.fix.edits == (TextEdit(Span.of(2, 7, 2, 11), "from"),)


def test_flags_on_instructions_without_flags_and_unknown_mount_parts() -> None:
    assert "takes no flags" in fires("FROM a\nCMD --config=x foo\n", "LW003")[0].message
    assert "type=cache" in fires("FROM a\nRUN --mount=type=cahce,target=/x true\n",
                                 "LW003")[0].message
    key = fires("FROM a\nRUN --mount=type=cache,targt=/x true\n", "LW003")[0]
    assert key.message == "unknown key 'targt' for --mount=type=cache; did you mean target?"
    assert key.span == Span.of(1, 23, 1, 31)


def test_every_documented_flag_is_accepted() -> None:
    silent("""\
        FROM --platform=linux/amd64 alpine AS base
        RUN --mount=type=cache,target=/root/.cache,sharing=locked,id=pip \\
            --mount=type=secret,id=npmrc,target=/root/.npmrc,required=true \\
            --mount=type=ssh --mount=type=tmpfs,target=/tmp,size=64m \\
            --mount=type=bind,from=base,source=/etc,target=/mnt,rw \\
            --network=none --security=sandbox true
        COPY --from=base --chown=1000:1000 --chmod=0755 --link --parents --exclude=*.md . /app
        ADD --checksum=sha256:0000000000000000000000000000000000000000000000000000000000000000 \\
            --keep-git-dir=true --unpack=false --chown=app --chmod=644 --link --exclude=x \\
            https://example.com/a.tgz /opt/
        HEALTHCHECK --interval=30s --timeout=3s --start-period=5s --start-interval=1s \\
            --retries=3 CMD curl -f http://localhost/
        """, "LW003")
