"""Where a measure's value comes from: typed values or a named computed series."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from ..schema import load_data


@dataclass(frozen=True)
class ValueSource:
    """``name`` is a fixed source or a prefix such as ``Survey:``; ``argument`` follows it."""

    name: str
    argument: str = ""

    @property
    def text(self) -> str:
        return f"{self.name} {self.argument}".strip()


@lru_cache(maxsize=1)
def _known() -> tuple[dict[str, str], dict[str, str]]:
    data = load_data("value_sources")
    return dict(data["fixed"]), dict(data["prefixed"])


def parse_value_source(text: str) -> ValueSource:
    fixed, prefixed = _known()
    text = " ".join(text.split())
    for name in fixed:
        if text.lower() == name.lower():
            return ValueSource(name)
    for prefix in prefixed:
        if text.lower().startswith(prefix.lower()):
            argument = text[len(prefix):].strip()
            if not argument:
                raise ValueError(f"{text!r} needs what follows {prefix!r}")
            return ValueSource(prefix, argument)
    options = ", ".join(list(fixed) + [f"{p} ..." for p in prefixed])
    raise ValueError(f"{text!r} is not a value source ({options})")


def describe(source: ValueSource) -> str:
    fixed, prefixed = _known()
    return fixed.get(source.name) or prefixed.get(source.name, "")
