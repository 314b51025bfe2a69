"""The Dream Umbrella example campaign (Mongolia, 2020–2021), its data shipped as
package data in `data/` and read with `importlib.resources`, so the example loads from
an installed toolkit as well as from a checkout."""

from __future__ import annotations

import json
from importlib import resources
from typing import Any


def example_data(name: str) -> Any:
    """The parsed JSON of one of the example's data files (`data/<name>.json`)."""
    return json.loads(resources.files(__name__).joinpath("data", f"{name}.json").read_text(encoding="utf-8"))
