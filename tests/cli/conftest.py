"""The command line as a user runs it: `review`, `batch`, `eval`, its manners as a Unix tool,
the setup the docs walk through, and what the package and the image are made of."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def draft_file(request: pytest.FixtureRequest, tmp_path: Path) -> Path:
    """The test module's DRAFT in a file, as a user hands one to `outreach-review review`."""
    path = tmp_path / "draft.txt"
    path.write_text(request.module.DRAFT, encoding="utf-8")
    return path
