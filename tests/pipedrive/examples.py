"""Official Pipedrive example bodies, read from tests/fixtures/pipedrive."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "pipedrive"


def read_fixture(name: str) -> Any:
    """A fresh copy of one example body, e.g. `read_fixture("v2_GET_persons_id_200.json")`."""
    return json.loads((FIXTURES / name).read_text("utf-8"))
