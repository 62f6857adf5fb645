# syntax=docker/dockerfile:1
# Outreach Review: `docker build -t outreach-review .` then see docs/deploy.md.

# --- build: the project's wheel, plus a wheel for every dependency -------------------
FROM python:3.11-slim AS builder
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /src
# What the wheel is built from (pyproject's [tool.hatch.build.targets.wheel]); README.md is
# the package's long description.
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY adapters ./adapters
COPY prompts ./prompts
RUN pip wheel --wheel-dir /wheels .

# --- runtime: the built wheels only, no source tree, no build tools --------------------
FROM python:3.11-slim AS runtime
ENV PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1
RUN groupadd --system --gid 10001 outreach \
    && useradd --system --uid 10001 --gid outreach --home-dir /app --create-home \
       --shell /usr/sbin/nologin outreach
RUN --mount=type=bind,from=builder,source=/wheels,target=/wheels \
    pip install --no-index --find-links /wheels outreach-review
WORKDIR /app
RUN mkdir -p /app/data && chown outreach:outreach /app/data
USER outreach:outreach

# Single-process default: SQLite in the volume. Replicas set DATABASE_URL to PostgreSQL.
ENV PORT=3000 \
    HEALTH_PORT=8080 \
    DATABASE_URL=sqlite:////app/data/outreach.db
VOLUME ["/app/data"]
# 3000: Slack HTTP mode (/slack/*, plus /healthz, /readyz, /metrics); 8080: the health
# endpoints when Slack HTTP mode is not running (Socket Mode, Discord only).
EXPOSE 3000 8080

# /healthz is on PORT when Slack HTTP mode runs, else on HEALTH_PORT: either answering 200
# is healthy. The slim image has no curl, hence Python's urllib.
HEALTHCHECK --interval=30s --timeout=10s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import os, sys, urllib.request\nports = dict.fromkeys([os.environ.get('PORT', '3000'), os.environ.get('HEALTH_PORT', '8080')])\nfor port in ports:\n    try:\n        with urllib.request.urlopen(f'http://127.0.0.1:{port}/healthz', timeout=4) as reply:\n            sys.exit(0 if reply.status == 200 else 1)\n    except OSError:\n        pass\nsys.exit(1)"]

# `serve` drains in-flight reviews for up to 10 s on SIGTERM (Docker's default stop signal).
CMD ["outreach-review", "serve"]
