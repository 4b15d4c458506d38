"""Deterministic, realistic multi-stage Dockerfiles of a given line count (for benchmarks)."""

from __future__ import annotations

import random

_BASES = ("debian:12-slim", "alpine:3.20", "python:3.12-slim", "node:20-alpine",
          "golang:1.22-bookworm", "ubuntu:24.04")
_PACKAGES = ("curl", "ca-certificates", "git", "build-essential", "libpq-dev", "jq", "unzip")


def _stage_body(rng: random.Random, stages: list[str], index: int) -> list[str]:
    """A few instructions of a typical stage."""
    packages = " ".join(rng.sample(_PACKAGES, 3))
    choice = rng.randrange(7)
    if choice == 0:
        return ["RUN apt-get update \\",
                f"    && apt-get install -y --no-install-recommends {packages} \\",
                "    && rm -rf /var/lib/apt/lists/*"]
    if choice == 1:
        return [f"RUN curl -fsSL https://example.com/tool-{index}.tgz -o /tmp/t.tgz \\",
                "    && tar -xzf /tmp/t.tgz -C /usr/local/bin \\", "    && rm /tmp/t.tgz"]
    if choice == 2:
        return ["RUN --mount=type=cache,target=/root/.cache/pip \\",
                "    pip install -r requirements.txt"]
    if choice == 3 and stages:
        source = rng.choice(stages)
        return [f"COPY --from={source} /out/{source} /usr/local/bin/{source}"]
    if choice == 4:
        return ["RUN <<EOF", "set -eux", f"echo building {index}", "make -j2 all", "EOF"]
    if choice == 5:
        return [f"ENV APP_{index}=value{index} \\", f"    PATH=/opt/app{index}/bin:$PATH",
                f"WORKDIR /src/app{index}", "COPY . ."]
    return [f"# step {index}", f"RUN echo step {index} && make build-{index}"]


def generate(lines: int, seed: int = 1) -> str:
    """A Dockerfile of exactly ``lines`` lines."""
    rng = random.Random(seed)
    out = ["# syntax=docker/dockerfile:1", "ARG VERSION=1.0"]
    stages: list[str] = []
    index = 0
    while True:
        block: list[str] = []
        if index % 12 == 0:
            name = f"stage{len(stages)}"
            base = rng.choice(stages) if stages and rng.random() < 0.3 else rng.choice(_BASES)
            block += ["", f"FROM {base} AS {name}", "WORKDIR /src"]
        block += _stage_body(rng, stages if block else stages[:-1], index)
        if len(out) + len(block) > lines - 4:
            break
        if block[0] == "":
            stages.append(block[1].rsplit(" ", 1)[1])
        out += block
        index += 1
    out += [f"# padding {n}" for n in range(lines - 4 - len(out))]
    out += ["FROM debian:12-slim", f"COPY --from={stages[0]} /out /app",
            "RUN echo typing here", 'CMD ["/app/run"]']
    return "\n".join(out) + "\n"
