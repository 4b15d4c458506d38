"""LW407 multiple-instructions."""

from __future__ import annotations

from layerwise.syntax.span import Span, TextEdit

from .helpers import fires, silent


def test_earlier_instructions_are_reported_as_ineffective() -> None:
    found = fires("""\
        FROM scratch
        ENTRYPOINT ["/myapp"]
        ENTRYPOINT ["/myotherapp"]
        CMD ["/myapp"]
        CMD ["/myotherapp"]
        HEALTHCHECK CMD ["/myapp"]
        HEALTHCHECK CMD ["/myotherapp"]
        """, "LW407")
    assert [f.span.start.line for f in found] == [1, 3, 5]
    first = found[0]
    assert first.span == Span.of(1, 0, 1, 21)
    assert first.message == ("Multiple ENTRYPOINT instructions should not be used in the same "
                             "stage because only the last one will be used; remove this "
                             "ENTRYPOINT (line 3 replaces it)")
    assert first.unnecessary
    assert first.related[0].span == Span.of(2, 0, 2, 10)
    assert first.data == {"buildkit": "MultipleInstructionsDisallowed"}
    assert first.fix is not None and first.fix.safe
    assert first.fix.edits == (TextEdit(Span.of(1, 0, 2, 0), ""),)


def test_other_instructions_in_between_do_not_matter() -> None:
    found = fires("""\
        FROM scratch
        ENTRYPOINT ["/myapp"]
        CMD ["/myapp"]
        HEALTHCHECK CMD ["/myapp"]
        COPY <<EOF /a.txt
        Hello, World!
        EOF
        ENTRYPOINT ["/myotherapp"]
        CMD ["/myotherapp"]
        HEALTHCHECK CMD ["/myotherapp"]
        """, "LW407")
    assert [f.span.start.line for f in found] == [1, 2, 3]


def test_three_cmds_report_the_first_two() -> None:
    found = fires("FROM a\nCMD a\nCMD b\nCMD c\n", "LW407")
    assert [f.span.start.line for f in found] == [1, 2]


def test_each_stage_has_its_own() -> None:
    silent("""\
        FROM scratch AS a
        ENTRYPOINT ["/myapp"]
        CMD ["/myapp"]
        HEALTHCHECK CMD ["/myapp"]

        FROM a AS b
        ENTRYPOINT ["/myotherapp"]
        CMD ["/myotherapp"]
        HEALTHCHECK CMD ["/myotherapp"]
        """, "LW407")


def test_healthcheck_cmd_and_onbuild_are_not_cmd() -> None:
    silent("""\
        FROM python:alpine
        RUN apk add curl
        HEALTHCHECK --interval=1s --timeout=3s \\
          CMD ["curl", "-f", "http://localhost:8080"]
        CMD ["python", "-m", "http.server", "8080"]
        ONBUILD CMD ["other"]
        """, "LW407")
