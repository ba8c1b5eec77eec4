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
