"""YAML for xlperf's data files: libyaml's C parser where PyYAML was built with it.

The C loader (``yaml.CSafeLoader``) builds the same plain data as ``yaml.safe_load`` about
ten times faster; PyYAML wheels for the usual platforms include it, and where it is missing
the pure-Python safe loader is used. PyYAML is imported on first use, so commands that
read no data file (``xlperf --help``) never import it.
"""

from __future__ import annotations

from typing import Any


def loader() -> Any:
    """The safe loader class to use: C where available."""
    import yaml  # noqa: PLC0415 - only when a data file is read

    return getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_yaml(text: str) -> Any:
    """Parse ``text`` as ``yaml.safe_load`` does (safe tags only)."""
    import yaml  # noqa: PLC0415 - as above

    return yaml.load(text, Loader=loader())  # a safe loader, C or Python
