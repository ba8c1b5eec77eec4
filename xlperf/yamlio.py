"""YAML for xlperf's data files: libyaml's C parser where PyYAML was built with it.

The C loader (``yaml.CSafeLoader``) builds the same plain data as ``yaml.safe_load`` about
ten times faster; PyYAML wheels for the usual platforms include it, and where it is missing
the pure-Python safe loader is used.
"""

from __future__ import annotations

from typing import Any

import yaml

Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_yaml(text: str) -> Any:
    """Parse ``text`` as ``yaml.safe_load`` does (safe tags only)."""
    return yaml.load(text, Loader=Loader)  # noqa: S506 - a safe loader, C or Python
