"""The methods @dataclass generates for xlperf's classes, served from xlperf's cache: the
same code objects dataclasses compiles itself, the same annotations, for every class."""

from __future__ import annotations

import dataclasses
import marshal
import os
import subprocess
import sys
from pathlib import Path

import pytest

from xlperf import dataclass_code

ROOT = Path(__file__).resolve().parent.parent

#: Imports every module of xlperf (but the Excel adapters' optional ones), then writes each
#: generated method of each xlperf dataclass: its code, annotations and defaults.
PROBE = r"""
import dataclasses, importlib, marshal, pkgutil, sys
import xlperf
names = [m.name for m in pkgutil.walk_packages(xlperf.__path__, "xlperf.")]
for name in sorted(names):
    try:
        importlib.import_module(name)
    except ImportError:
        pass
out = {}
for module in list(sys.modules.values()):
    if not getattr(module, "__name__", "").startswith("xlperf"):
        continue
    for cls in vars(module).values():
        if (isinstance(cls, type) and dataclasses.is_dataclass(cls)
                and cls.__module__ == module.__name__):
            for attr, value in vars(cls).items():
                code = getattr(value, "__code__", None)
                if code is not None and code.co_filename == "<string>":
                    out[f"{cls.__module__}.{cls.__qualname__}.{attr}"] = (
                        code, repr(value.__annotations__), repr(value.__defaults__),
                        repr(value.__kwdefaults__), value.__qualname__)
sys.stdout.buffer.write(marshal.dumps(out))
"""


def generated(cache: str) -> dict[str, tuple[object, ...]]:
    env = {**os.environ, "XLPERF_CACHE_DIR": cache}
    result = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, cwd=ROOT,
                            env=env, check=True)
    found: dict[str, tuple[object, ...]] = marshal.loads(result.stdout)
    return found


@pytest.mark.slow
def test_cached_methods_are_the_ones_dataclasses_compiles(tmp_path: Path) -> None:
    plain = generated("")  # caching off: dataclasses compiles every method itself
    assert len(plain) > 300  # xlperf has a hundred dataclasses, several methods each
    cold = generated(str(tmp_path))  # compiled through the cache, which is written at exit
    assert (tmp_path / "dataclass-code.bin").exists()
    warm = generated(str(tmp_path))  # every method from the cache
    assert cold == plain
    assert warm == plain


def test_other_exec_calls_are_the_builtin(tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XLPERF_CACHE_DIR", str(tmp_path))
    dataclass_code.install()
    namespace: dict[str, object] = {"__name__": "not_xlperf"}
    dataclasses.exec("x = 1", namespace)  # type: ignore[attr-defined]
    assert namespace["x"] == 1

    @dataclasses.dataclass(frozen=True)
    class Elsewhere:  # a class of this test module, not of xlperf: compiled as usual
        a: int
        b: str = "b"

    assert Elsewhere(1) == Elsewhere(1, "b")
    assert not any("Elsewhere" in text for text in dataclass_code._used)


def test_a_corrupt_cache_is_ignored(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XLPERF_CACHE_DIR", str(tmp_path))
    (tmp_path / "dataclass-code.bin").write_bytes(dataclass_code._key().encode() + b"\njunk")
    monkeypatch.setattr(dataclass_code, "_loaded", None)
    text = "def __create_fn__():\n def f(self):\n  return 1\n return f"
    code = dataclass_code.compiled(text)
    assert code == compile(text, "<string>", "exec", dont_inherit=True)
