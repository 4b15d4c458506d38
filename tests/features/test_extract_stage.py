"""Extract stage: the refactoring's result builds, means the same and is smaller."""

from __future__ import annotations

import textwrap

import dockerfile

from layerwise.features.actions.extract_stage import (
    PLACEHOLDER,
    extract_parallel,
    extract_stage,
)
from layerwise.features.actions.fix_all import apply_edits as apply
from layerwise.model.analysis import analyze
from layerwise.rules.run import run_rules
from layerwise.syntax.span import Span


def _lines(text: str, first: int, last: int) -> Span:
    """A selection of whole lines ``first..last``, as editors send it."""
    return Span.of(first, 0, last + 1, 0)


SPEC_EXAMPLE = textwrap.dedent("""\
    FROM debian:12 AS app
    RUN apt-get update && apt-get install -y curl
    RUN curl -fsSL https://example.com/dep.tgz -o /tmp/dep.tgz && tar -xzf /tmp/dep.tgz -C /opt
    COPY . /app
    """)


def _ids(text: str, prefix: str) -> list[str]:
    return [f.rule_id for f in run_rules(analyze(text)) if f.rule_id.startswith(prefix)]


def test_spec_example_moves_download_into_its_own_stage() -> None:
    plan = extract_stage(analyze(SPEC_EXAMPLE), _lines(SPEC_EXAMPLE, 1, 2))
    assert plan is not None
    result = apply(SPEC_EXAMPLE, plan.edits)
    assert result == textwrap.dedent("""\
        FROM debian:12 AS fetch-dep
        RUN apt-get update && apt-get install -y curl
        RUN curl -fsSL https://example.com/dep.tgz -o /tmp/dep.tgz && tar -xzf /tmp/dep.tgz -C /opt

        FROM debian:12 AS app
        COPY --from=fetch-dep /opt /opt
        COPY . /app
        """)
    dockerfile.parse_string(result)
    assert not _ids(result, "LW0") and not _ids(result, "LW1")


def test_prefix_with_filesystem_changes_becomes_a_shared_parent() -> None:
    text = textwrap.dedent("""\
        FROM golang:1.22 AS app
        ARG VERSION=1.0
        WORKDIR /src
        RUN apt-get update && apt-get install -y --no-install-recommends git
        RUN git clone https://github.com/example/tool.git /src/tool \\
            && echo $VERSION > /src/tool/VERSION
        COPY . .
        RUN echo $VERSION
        """)
    plan = extract_stage(analyze(text), _lines(text, 4, 5))
    assert plan is not None and plan.stage_names == ("fetch-tool",)
    result = apply(text, plan.edits)
    assert result.startswith("FROM golang:1.22 AS app-base\nARG VERSION=1.0\n")
    assert "FROM app-base AS fetch-tool\nARG VERSION=1.0\nRUN git clone" in result
    assert "FROM app-base AS app\nARG VERSION=1.0\nCOPY --from=fetch-tool /src/tool /src/tool\n" \
        in result
    dockerfile.parse_string(result)
    assert not _ids(result, "LW0") and not _ids(result, "LW1")


def test_unknown_outputs_leave_a_marked_placeholder() -> None:
    text = "FROM alpine AS app\nRUN ./configure-everything.sh\nCMD [\"app\"]\n"
    plan = extract_stage(analyze(text), _lines(text, 1, 1))
    assert plan is not None
    result = apply(text, plan.edits)
    assert "# TODO(layerwise)" in result and f"COPY --from=extracted {PLACEHOLDER}" in result
    dockerfile.parse_string(result)


def test_numeric_references_keep_pointing_at_the_same_stage() -> None:
    text = "FROM alpine AS a\nRUN git clone https://x.test/r.git /r\nFROM scratch\nCOPY --from=0 /r /r\n"
    plan = extract_stage(analyze(text), _lines(text, 1, 1))
    assert plan is not None
    result = apply(text, plan.edits)
    assert "COPY --from=1 /r /r" in result
    analysis = analyze(result)
    ref = next(r for r in analysis.refs if r.text == "1")
    assert analysis.stages[ref.target].name == "a"  # type: ignore[index]


def test_parallel_extraction_of_independent_clones() -> None:
    text = textwrap.dedent("""\
        FROM alpine/git AS sources
        RUN git clone https://example.com/one.git /src/one
        RUN git clone https://example.com/two.git /src/two
        """)
    plan = extract_parallel(analyze(text), _lines(text, 1, 2))
    assert plan is not None
    assert plan.title == "Extract 2 stages that build in parallel (fetch-one, fetch-two)"
    result = apply(text, plan.edits)
    analysis = analyze(result)
    assert analysis.graph.waves[0] == (0, 1)
    dockerfile.parse_string(result)


def test_dependent_runs_are_not_offered_in_parallel() -> None:
    text = "FROM alpine\nRUN mkdir -p /data\nRUN touch /data/x && rm -rf /data\n"
    assert extract_parallel(analyze(text), _lines(text, 1, 2)) is None


def test_not_offered_on_from_only_or_across_stages() -> None:
    text = "FROM alpine AS a\nRUN true\nFROM alpine AS b\nRUN true\n"
    assert extract_stage(analyze(text), _lines(text, 0, 0)) is None
    assert extract_stage(analyze(text), _lines(text, 1, 3)) is None


def test_not_offered_without_an_instruction_that_builds() -> None:
    text = 'FROM alpine AS app\nRUN true\nENV A=1\nCMD ["app"]\n'
    analysis = analyze(text)
    assert extract_stage(analysis, Span.of(3, 2, 3, 2)) is None  # the cursor on CMD
    assert extract_stage(analysis, _lines(text, 2, 3)) is None


def test_settings_of_the_selection_stay_in_effect_for_the_rest_of_the_stage() -> None:
    text = textwrap.dedent("""\
        FROM golang:1.22 AS app
        RUN apt-get update && apt-get install -y --no-install-recommends make
        ARG MODE=release
        ENV GOFLAGS=-mod=vendor
        WORKDIR /src
        RUN git clone https://github.com/example/tool.git /src/tool
        LABEL stage=tool
        RUN echo $MODE $GOFLAGS > /mode
        CMD ["/src/tool/run"]
        """)
    plan = extract_stage(analyze(text), _lines(text, 2, 6))
    assert plan is not None
    result = apply(text, plan.edits)
    rest = result[result.index("FROM app-base AS app"):]
    assert rest == textwrap.dedent("""\
        FROM app-base AS app
        COPY --from=fetch-tool /src/tool /src/tool
        ARG MODE=release
        ENV GOFLAGS=-mod=vendor
        WORKDIR /src
        LABEL stage=tool
        RUN echo $MODE $GOFLAGS > /mode
        CMD ["/src/tool/run"]
        """)
    dockerfile.parse_string(result)
    assert not _ids(result, "LW0") and not _ids(result, "LW1")


def test_credential_files_are_not_copied_back() -> None:
    text = ("FROM alpine/git AS app\nCOPY id_rsa /root/.ssh/id_rsa\n"
            "RUN git clone git@example.com:team/src.git /src\nCMD [\"ls\"]\n")
    plan = extract_stage(analyze(text), _lines(text, 1, 2))
    assert plan is not None
    result = apply(text, plan.edits)
    assert "COPY --from=fetch-src /src /src" in result
    assert "COPY --from=fetch-src /root/.ssh" not in result
