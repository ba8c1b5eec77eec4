"""The "did you mean" hint that follows an unknown name in a problem message."""

from __future__ import annotations

from collections.abc import Iterable


def did_you_mean(name: str, known: Iterable[str], braces: bool = False) -> str:
    """`` (did you mean X?)`` for the closest known name (``{X}`` with ``braces``), or ""."""
    import difflib  # noqa: PLC0415 - only when a name is unknown (validation need not)

    close = difflib.get_close_matches(name, list(known), n=1)
    if not close:
        return ""
    return f" (did you mean {{{close[0]}}}?)" if braces else f" (did you mean {close[0]}?)"
