"""LW110 default-target-is-dev-stage."""

from __future__ import annotations

from collections.abc import Iterator

from ...model.analysis import Analysis
from ...model.stages import Stage
from ...patterns import lazy_pattern
from ..base import Finding, Related, Severity, StructureRule
from ._common import stage_anchor

_DEV = lazy_pattern(r"dev.*|test.*|debug")
_PRODUCTION = lazy_pattern(
    r"prod|production|release|runtime|final|app"
    r"|(?:prod|production)[-_.].*|.*[-_.](?:prod|production|runtime|release|final)")


def is_dev_name(name: str) -> bool:
    """Tell whether a stage name says development or test (``dev-envs``, ``test``, ``debug``)."""
    return bool(_DEV.fullmatch(name))


class DefaultTargetIsDevStage(StructureRule):
    """## What it does
    Flags a Dockerfile whose last stage, the one a plain `docker build` produces, looks like
    a development or test stage (`dev*`, `test*`, `debug`) while another stage is the one the
    workspace builds, or, without workspace configuration, while an earlier stage looks like
    the production image (`prod`, `production`, `release`, `runtime`, `final`, `app`).

    ## Why it matters
    Without `--target`, BuildKit builds the last stage. Anyone who runs `docker build .` (a
    CI job, a registry's automated build) ships the dev image, with its compilers, debug
    tools and test fixtures.

    ## Example
    ```dockerfile
    FROM python:3.12-slim AS production
    COPY . /app
    CMD ["python", "/app/main.py"]

    FROM production AS dev
    RUN pip install --no-cache-dir debugpy pytest
    ```

    ## Use instead
    ```dockerfile
    FROM python:3.12-slim AS base
    COPY . /app

    FROM base AS dev
    RUN pip install --no-cache-dir debugpy pytest

    FROM base AS production
    CMD ["python", "/app/main.py"]
    ```

    ## References
    - Docker docs, multi-stage builds: "Stop at a specific build stage"
    """

    id = "LW110"
    name = "default-target-is-dev-stage"
    severity = Severity.INFORMATION
    summary = "The default build target is a development stage"

    def check(self, analysis: Analysis) -> Iterator[Finding]:
        """Look at the last stage and at what the workspace builds."""
        stages = analysis.stages
        if len(stages) < 2:
            return
        last = stages[-1]
        if not last.name or last.name_token is None or not is_dev_name(last.name):
            return
        target = analysis.graph.target
        if target is not None and target != last.index:
            built = stages[target]
            if built.name and is_dev_name(built.name):
                return
            yield self._report(
                analysis, last, built,
                f"the last stage '{last.name}' looks like a dev/test stage, but the workspace "
                f"builds stage '{built.label}': a plain `docker build` produces the "
                f"'{last.name}' image; make the production stage the last one, or document "
                "--target", "the workspace builds this stage")
            return
        production = next((s for s in stages[:-1] if s.name and _PRODUCTION.fullmatch(s.name)),
                          None)
        if production is None:
            return
        yield self._report(
            analysis, last, production,
            f"the last stage '{last.name}' looks like a dev/test stage: a plain `docker build` "
            f"produces it rather than '{production.name}'; make '{production.name}' the last "
            "stage, or document --target", f"'{production.name}' looks like the production stage")

    def _report(self, analysis: Analysis, last: Stage, other: Stage, message: str,
                note: str) -> Finding:
        return self.finding(stage_anchor(analysis, last), message,
                            related=(Related(stage_anchor(analysis, other), note),))
