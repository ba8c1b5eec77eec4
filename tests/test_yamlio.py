"""The package's YAML is parsed with libyaml's C loader, into the same data as the
pure-Python safe loader gives."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from xlperf import yamlio

ROOT = Path(__file__).resolve().parent.parent
FILES = sorted(p for p in (ROOT / "xlperf").rglob("*.yaml"))


def test_the_c_loader_is_used_where_pyyaml_has_it() -> None:
    if not getattr(yaml, "__with_libyaml__", False):
        pytest.skip("PyYAML was built without libyaml")
    assert yamlio.loader() is yaml.CSafeLoader


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_same_data_as_the_python_safe_loader(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert yamlio.load_yaml(text) == yaml.safe_load(text)


def test_unsafe_tags_are_refused() -> None:
    with pytest.raises(yaml.YAMLError):
        yamlio.load_yaml("!!python/object/apply:os.system ['true']")


# The parsed data is cached per install (xlperf.cache): the same data, never a stale one.


@pytest.fixture()
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("XLPERF_CACHE_DIR", str(folder))
    return folder


def exact(value: object) -> object:
    """``value`` with every type spelt out: 1 == 1.0 == True would hide a lossy cache."""
    if isinstance(value, dict):
        return ("dict", [(exact(k), exact(v)) for k, v in value.items()])
    if isinstance(value, (list, tuple, set)):
        return (type(value).__name__, [exact(v) for v in value])
    return (type(value).__name__, repr(value))


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_cached_data_is_the_parsed_data(path: Path, cache_dir: Path) -> None:
    text = path.read_text(encoding="utf-8")
    fresh = yaml.safe_load(text)
    first = yamlio.load_yaml(text)  # parsed, and stored
    assert len(list(cache_dir.glob("yaml-load-*.bin"))) == 1
    second = yamlio.load_yaml(text)  # from the cache
    assert exact(first) == exact(second) == exact(fresh)
    assert second is not first  # a new copy each time: a caller may change it


def test_an_entry_for_another_text_is_not_used(cache_dir: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []

    def parse(text: str) -> object:
        calls.append(text)
        return {"parsed": text}

    assert yamlio.cached("test", "a: 1", parse) == {"parsed": "a: 1"}
    assert yamlio.cached("test", "a: 1", parse) == {"parsed": "a: 1"}
    assert calls == ["a: 1"]
    entry = next(cache_dir.glob("yaml-test-*.bin"))
    # the same file name holding another text's data (a crc collision): parsed again
    body = entry.read_bytes()
    entry.write_bytes(body.replace(b"a: 1", b"a: 2"))
    assert yamlio.cached("test", "a: 1", parse) == {"parsed": "a: 1"}
    assert calls == ["a: 1", "a: 1"]
    # another PyYAML installed: its own parse, not the other's result
    monkeypatch.setattr(yamlio, "_PYYAML", ["yaml/__init__.py:1:2"])
    assert yamlio.cached("test", "a: 1", parse) == {"parsed": "a: 1"}
    assert calls == ["a: 1", "a: 1", "a: 1"]
    entry.write_bytes(b"garbage")  # a corrupt entry is a miss
    monkeypatch.setattr(yamlio, "_PYYAML", [])
    assert yamlio.cached("test", "a: 1", parse) == {"parsed": "a: 1"}
    assert len(calls) == 4


def test_two_installs_keep_an_entry_each(cache_dir: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """Two installs on one machine (two venvs, a checkout and a wheel) read the same text
    with different PyYAMLs: each finds its own entry rather than overwriting the other's."""
    calls: list[str] = []

    def parse(text: str) -> object:
        calls.append(text)
        return {"parsed": text}

    for stamp in ("yaml/__init__.py:1:2", "yaml/__init__.py:3:4"):
        monkeypatch.setattr(yamlio, "_PYYAML", [stamp])
        assert yamlio.cached("test", "a: 1", parse) == {"parsed": "a: 1"}
    assert len(calls) == 2
    assert len(list(cache_dir.glob("yaml-test-*.bin"))) == 2
    for stamp in ("yaml/__init__.py:1:2", "yaml/__init__.py:3:4"):
        monkeypatch.setattr(yamlio, "_PYYAML", [stamp])
        assert yamlio.cached("test", "a: 1", parse) == {"parsed": "a: 1"}
    assert len(calls) == 2  # both from the cache


def test_data_marshal_cannot_hold_is_parsed_each_time(cache_dir: Path) -> None:
    text = "day: 2022-03-31\n"
    assert yamlio.load_yaml(text) == {"day": yaml.safe_load(text)["day"]}
    assert yamlio.load_yaml(text) == yaml.safe_load(text)
    assert list(cache_dir.glob("yaml-*")) == []


def test_no_cache_where_it_cannot_be_written(tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("", encoding="utf-8")
    monkeypatch.setenv("XLPERF_CACHE_DIR", str(blocked / "cache"))
    assert yamlio.load_yaml("a: [1, 2.0, true]") == {"a": [1, 2.0, True]}
    assert yamlio.load_yaml("a: [1, 2.0, true]") == {"a": [1, 2.0, True]}


DATA = sorted(p.stem for p in (ROOT / "xlperf" / "data").glob("*.yaml"))


@pytest.mark.parametrize("name", DATA)
def test_load_data_is_a_fresh_exact_copy(name: str) -> None:
    from xlperf.schema import load_data

    text = (ROOT / "xlperf" / "data" / f"{name}.yaml").read_text(encoding="utf-8")
    first = load_data(name)
    assert exact(first) == exact(yaml.safe_load(text))
    first.clear()  # a caller changing its copy changes no one else's
    assert exact(load_data(name)) == exact(yaml.safe_load(text))
