"""Where a measure's value comes from: typed values or a named computed series.

``data/value_sources.yaml`` declares the names an analyst may type in the measure
register's "Value from" column; each name is a function registered with
:func:`value_source` (in :mod:`xlperf.domain.values`), whose docstring is its description.
A declared name without a function, or a function whose name is not declared, is a startup
error naming the file and line (:func:`registry`).
"""

from collections.abc import Callable, Mapping
from functools import lru_cache
from types import MappingProxyType
from typing import Any, NamedTuple

from .. import packaged
from ..problems import XlperfError
from ..yamlio import cached, loader

DECLARED_IN = "xlperf/data/value_sources.yaml"


class ValueSource(NamedTuple):
    """``name`` is a fixed source or a prefix such as ``Survey:``; ``argument`` follows it."""

    name: str
    argument: str = ""

    @property
    def text(self) -> str:
        return f"{self.name} {self.argument}".strip()


class SourceFunction(NamedTuple):
    """A registered value source: ``compute(ds, measure, quarter)`` gives the Figure graded;
    ``yearly(ds, argument, fy)``, for a source reported once a year (a survey), gives a
    financial year's result, which is what "previous FY" means for it."""

    name: str
    prefixed: bool
    compute: Callable[..., Any]
    yearly: Callable[..., Any] | None = None

    @property
    def description(self) -> str:
        import inspect  # noqa: PLC0415 - only for a description (inspect takes ms to import)

        return " ".join((inspect.getdoc(self.compute) or "").split("\n\n")[0].split())


_REGISTERED: dict[str, SourceFunction] = {}


def value_source(name: str, *, prefixed: bool = False,
                 yearly: Callable[..., Any] | None = None) -> Callable[[Any], Any]:
    """Register the decorated function as the value source ``name`` (a prefix such as
    ``Survey:`` when ``prefixed``: the rest of the text is its argument)."""

    def register(function: Any) -> Any:
        if name in _REGISTERED:
            raise ValueError(f"value source {name!r} is registered twice")
        _REGISTERED[name] = SourceFunction(name, prefixed, function, yearly)
        return function

    return register


class DataError(XlperfError):
    """xlperf's own data files disagree with its code (a startup error)."""


def _declared_text() -> str:
    return packaged.text("data", "value_sources.yaml")


def _declared() -> tuple[dict[str, int], dict[str, int]]:
    """Fixed and prefixed names of value_sources.yaml, each with its line number."""
    return cached("value-sources", _declared_text(), _declared_in)


def _declared_in(text: str) -> tuple[dict[str, int], dict[str, int]]:
    import yaml  # noqa: PLC0415 - only when the cache has no entry

    root = yaml.compose(text, Loader=loader())  # line numbers; C parser if built
    out: tuple[dict[str, int], dict[str, int]] = ({}, {})
    assert isinstance(root, yaml.MappingNode)
    for key, value in root.value:
        target = {"fixed": out[0], "prefixed": out[1]}.get(key.value)
        if target is None or not isinstance(value, yaml.SequenceNode):
            raise DataError(f"{DECLARED_IN} line {key.start_mark.line + 1}: expected the "
                            f"lists 'fixed' and 'prefixed', found {key.value!r}")
        for item in value.value:
            target[str(item.value)] = item.start_mark.line + 1
    return out


@lru_cache(maxsize=1)
def registry() -> Mapping[str, SourceFunction]:
    """Declared name -> its function. Raises :class:`DataError` naming the file and line of a
    declared name without a function (or a function registered under an undeclared name)."""
    from . import values  # noqa: F401, PLC0415 - registers the value sources

    fixed, prefixed = _declared()
    for names, is_prefix in ((fixed, False), (prefixed, True)):
        for name, line in names.items():
            function = _REGISTERED.get(name)
            if function is None or function.prefixed != is_prefix:
                kind = "prefixed " if is_prefix else ""
                raise DataError(f"{DECLARED_IN} line {line}: {kind}value source {name!r} has no "
                                "function registered with @value_source in "
                                "xlperf/domain/values.py")
    undeclared = sorted(set(_REGISTERED) - set(fixed) - set(prefixed))
    if undeclared:
        raise DataError(f"{DECLARED_IN}: value sources {', '.join(undeclared)} have functions "
                        "but are not declared")
    order = [*fixed, *prefixed]
    return MappingProxyType({name: _REGISTERED[name] for name in order})


def parse_value_source(text: str) -> ValueSource:
    sources = registry()
    text = " ".join(text.split())
    for name, function in sources.items():
        if not function.prefixed and text.lower() == name.lower():
            return ValueSource(name)
    for name, function in sources.items():
        if function.prefixed and text.lower().startswith(name.lower()):
            argument = text[len(name):].strip()
            if not argument:
                raise ValueError(f"{text!r} needs what follows {name!r}")
            return ValueSource(name, argument)
    options = ", ".join(name if not f.prefixed else f"{name} ..." for name, f in sources.items())
    raise ValueError(f"{text!r} is not a value source ({options})")


def source_function(source: ValueSource) -> SourceFunction:
    return registry()[source.name]


def describe(source: ValueSource) -> str:
    """The description of a value source: its function's docstring."""
    return source_function(source).description
