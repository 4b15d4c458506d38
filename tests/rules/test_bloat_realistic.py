"""The layer-bloat rules (LW2xx) on realistic multi-stage Dockerfiles.

Builder stages only feed ``COPY --from``: their caches, downloads and toolchains never reach the
image, so every bloat rule stays silent there, while the same lines in the image chain report.
"""

from __future__ import annotations

import textwrap

import pytest

from layerwise.model.analysis import analyze
from layerwise.rules.registry import ALL_RULES

BLOAT = tuple(r for r in ALL_RULES if r.id.startswith("LW2"))


def report(source: str, target: str | None = None) -> list[tuple[str, int]]:
    """``(rule id, 1-based line)`` of every LW2xx finding, sorted."""
    analysis = analyze(textwrap.dedent(source).lstrip("\n"), target=target)
    return sorted((f.rule_id, f.span.start.line + 1) for r in BLOAT for f in r.check(analysis))


GO_SERVICE = """
    # syntax=docker/dockerfile:1
    FROM golang:1.22-bookworm AS build
    RUN apt-get update && apt-get install -y upx-ucl
    RUN curl -fsSLo /tmp/protoc.zip https://github.com/protocolbuffers/protobuf/releases/download/v27.3/protoc-27.3-linux-x86_64.zip \\
        && unzip /tmp/protoc.zip -d /usr/local
    WORKDIR /src
    COPY go.mod go.sum ./
    RUN go mod download
    COPY . .
    RUN CGO_ENABLED=0 go build -o /out/server ./cmd/server && upx /out/server

    FROM gcr.io/distroless/static-debian12:nonroot
    COPY --from=build /out/server /server
    USER nonroot
    ENTRYPOINT ["/server"]
    """

EMAILSERVICE = """
    FROM python:3.12.4-slim AS base

    FROM base AS builder
    RUN apt-get -qq update \\
        && apt-get install -y --no-install-recommends wget g++ \\
        && rm -rf /var/lib/apt/lists/*
    COPY requirements.txt .
    RUN pip install -r requirements.txt

    FROM base
    ENV PYTHONUNBUFFERED=1
    RUN GRPC_HEALTH_PROBE_VERSION=v0.4.28 && \\
        wget -qO/bin/grpc_health_probe https://github.com/grpc-ecosystem/grpc-health-probe/releases/download/${GRPC_HEALTH_PROBE_VERSION}/grpc_health_probe-linux-amd64 && \\
        chmod +x /bin/grpc_health_probe
    WORKDIR /email_server
    COPY --from=builder /usr/local/lib/python3.12/ /usr/local/lib/python3.12/
    COPY . .
    EXPOSE 8080
    ENTRYPOINT [ "python", "email_server.py" ]
    """

REACT_NGINX = """
    FROM node:lts AS development
    WORKDIR /code
    COPY package.json /code/package.json
    COPY package-lock.json /code/package-lock.json
    RUN npm ci
    COPY . /code
    CMD [ "npm", "start" ]

    FROM development AS build
    RUN npm run build

    FROM nginx:1.13-alpine
    WORKDIR /usr/share/nginx/html
    RUN rm -rf ./*
    COPY --from=build /code/build .
    ENTRYPOINT ["nginx", "-g", "daemon off;"]
    """

WEBDIS = """
    FROM alpine:3.20 AS stage
    RUN apk update && apk add wget make gcc libevent-dev msgpack-c-dev musl-dev openssl-dev jq
    RUN wget https://github.com/nicolasff/webdis/archive/0.1.22.tar.gz -O webdis-0.1.22.tar.gz
    RUN tar -xvzf webdis-0.1.22.tar.gz
    RUN cd webdis-0.1.22 && make && make install && make clean
    RUN sed -i -e 's/"daemonize":.*true,/"daemonize": false,/g' /etc/webdis.prod.json

    FROM alpine:3.20
    RUN apk update && apk add libevent msgpack-c openssl redis && rm -f /var/cache/apk/*
    COPY --from=stage /usr/local/bin/webdis /usr/local/bin/
    COPY --from=stage /etc/webdis.prod.json /etc/webdis.prod.json
    EXPOSE 7379
    CMD ["/usr/local/bin/webdis", "/etc/webdis.prod.json"]
    """

GENERATED_FILES = """
    # syntax=docker/dockerfile-upstream:master
    ARG GO_VERSION=1.22
    ARG PROTOC_VERSION=3.11.4

    FROM golang:${GO_VERSION}-alpine AS base
    RUN apk add --no-cache git unzip
    ARG PROTOC_VERSION
    ARG TARGETOS
    ARG TARGETARCH
    RUN <<EOT
      set -e
      arch=$(echo $TARGETARCH | sed -e s/amd64/x86_64/ -e s/arm64/aarch_64/)
      wget -q https://github.com/protocolbuffers/protobuf/releases/download/v${PROTOC_VERSION}/protoc-${PROTOC_VERSION}-${TARGETOS}-${arch}.zip
      unzip protoc-${PROTOC_VERSION}-${TARGETOS}-${arch}.zip -d /usr/local
    EOT
    WORKDIR /go/src/github.com/moby/buildkit

    FROM base AS tools
    RUN --mount=type=bind,source=go.mod,target=go.mod \\
        --mount=type=cache,target=/root/.cache \\
        --mount=type=cache,target=/go/pkg/mod \\
        go install github.com/gogo/protobuf/protoc-gen-gogo

    FROM tools AS generated
    RUN --mount=type=bind,target=.,rw \\
        --mount=type=cache,target=/root/.cache \\
        go generate -mod=vendor -v ./... && mkdir /out && git ls-files -m --others -- ':!vendor' '**/*.pb.go' | tar -cf - --files-from - | tar -C /out -xf -

    FROM scratch AS update
    COPY --from=generated /out /
    """

PIP_USER_HOME = """
    FROM python:3.12 AS build
    RUN apt-get update && apt-get install -y --no-install-recommends gcc libpq-dev
    COPY requirements.txt .
    RUN pip install --user -r requirements.txt

    FROM python:3.12-slim
    COPY --from=build /root/.local /root/.local
    ENV PATH=/root/.local/bin:$PATH
    COPY . /app
    CMD ["python", "/app/main.py"]
    """

DEV_CONTAINER_SCRIPTS = """
    ARG VARIANT="bullseye"
    FROM mcr.microsoft.com/vscode/devcontainers/base:0-${VARIANT}
    COPY library-scripts/*.sh /tmp/library-scripts/
    RUN apt-get update && bash /tmp/library-scripts/docker-debian.sh \\
        && apt-get autoremove -y && apt-get clean -y && rm -rf /var/lib/apt/lists/* /tmp/library-scripts/
    """

SILENT_FILES = {
    "go-service": GO_SERVICE,
    "emailservice": EMAILSERVICE,
    "react-nginx": REACT_NGINX,
    "webdis": WEBDIS,
    "buildkit-generated-files": GENERATED_FILES,
    "pip-user-home": PIP_USER_HOME,
}


@pytest.mark.parametrize("source", SILENT_FILES.values(), ids=SILENT_FILES.keys())
def test_builder_stages_stay_silent(source: str) -> None:
    assert report(source) == []


def test_a_builder_built_as_the_target_reports() -> None:
    assert report(GO_SERVICE, target="build") == [
        ("LW203", 4),  # protoc.zip stays
        ("LW204", 3),  # apt lists
        ("LW205", 3),  # recommends
    ]
    assert report(EMAILSERVICE, target="builder") == [("LW207", 8)]
    assert report(WEBDIS, target="stage") == [
        ("LW203", 3),  # the tarball extracted by the next RUN stays
        ("LW206", 2),  # apk index cache
        ("LW211", 2),  # gcc, musl-dev, ...
    ]


def test_library_scripts_copied_then_deleted() -> None:
    assert report(DEV_CONTAINER_SCRIPTS) == [("LW201", 5)]


SINGLE_STAGE = """
    FROM debian:12
    RUN apt-get update
    RUN apt-get install -y curl build-essential
    COPY . /app
    RUN chown -R www-data:www-data /app
    RUN curl -fsSLo /tmp/node.tar.xz https://nodejs.org/dist/v20.15.0/node-v20.15.0-linux-x64.tar.xz \\
        && tar -xJf /tmp/node.tar.xz -C /usr/local --strip-components=1
    RUN cd /app && npm ci
    RUN rm -rf /var/lib/apt/lists/*
    RUN useradd -u 1000000 app
    ADD https://example.com/config.json /etc/app/config.json
    ADD motd /etc/motd
    CMD ["node", "/app/server.js"]
    """


def test_single_stage_image_reports_each_problem_once() -> None:
    assert report(SINGLE_STAGE) == [
        ("LW201", 9),  # late removal of the lists written at line 2
        ("LW202", 5),  # chown -R of the copied tree
        ("LW203", 6),  # node tarball extracted, never removed
        ("LW205", 3),  # recommends
        ("LW209", 8),  # npm cache
        ("LW210", 2),  # update alone
        ("LW211", 3),  # build-essential
        ("LW212", 4),  # COPY . before npm ci
        ("LW213", 11),  # unpinned URL
        ("LW214", 12),  # ADD of a local file
        ("LW217", 10),  # large UID
    ]
