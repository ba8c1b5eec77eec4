"""The pack template indexed once per install (xlperf's cache): the same Template as indexing
the file, a changed file indexed again, a bad entry ignored, and the same pack bytes from a
cold and a warm cache (the committed reference)."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from xlperf.api import template_path
from xlperf.writers import xlsx_template

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = ROOT / "tests" / "data" / "demo-pack.sha256"


def identity(path: Path) -> tuple[str, int, int]:
    stat = path.stat()
    return (str(path.resolve()), stat.st_mtime_ns, stat.st_size)


@pytest.fixture()
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("XLPERF_CACHE_DIR", str(folder))
    return folder


def test_stored_template_is_the_indexed_template(cache_dir: Path, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    template = tmp_path / "template.xlsx"
    shutil.copyfile(template_path(), template)
    indexed = xlsx_template.load_template(template)
    first = xlsx_template.stored_template(template, identity(template))
    assert first == indexed
    assert len(list(cache_dir.glob("template-*.bin"))) == 1

    def refuse(_path: Path) -> None:
        raise AssertionError("indexed again")

    monkeypatch.setattr(xlsx_template, "load_template", refuse)
    again = xlsx_template.stored_template(template, identity(template))
    assert again == indexed  # from the cache: same sheets, cells, styles, anchors
    assert again.sheets[0].cells is not first.sheets[0].cells


def test_a_changed_template_is_indexed_again(cache_dir: Path, tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    template = tmp_path / "template.xlsx"
    shutil.copyfile(template_path(), template)
    xlsx_template.stored_template(template, identity(template))
    calls: list[Path] = []
    real = xlsx_template.load_template

    def counted(path: Path) -> xlsx_template.Template:
        calls.append(path)
        return real(path)

    monkeypatch.setattr(xlsx_template, "load_template", counted)
    os.utime(template, ns=(template.stat().st_atime_ns, template.stat().st_mtime_ns + 10**9))
    xlsx_template.stored_template(template, identity(template))
    assert calls == [template]  # saved again since: not the old index
    entry = next(cache_dir.glob("template-*.bin"))
    key, _, _body = entry.read_bytes().partition(b"\n")
    entry.write_bytes(key + b"\n" + b"not marshal data")  # a corrupt entry: indexed again
    assert xlsx_template.stored_template(template, identity(template)) == real(template)
    assert calls == [template, template]


@pytest.mark.slow
def test_pack_bytes_from_a_cold_and_a_warm_cache(tmp_path: Path) -> None:
    expected = REFERENCE.read_text(encoding="utf-8").split()[0]
    env = {**os.environ, "XLPERF_CACHE_DIR": str(tmp_path / "cache")}
    for run in ("cold", "warm"):
        pack = tmp_path / f"{run}.xlsx"
        subprocess.run([sys.executable, "-m", "xlperf", "build", "-o", str(pack)], cwd=ROOT,
                       env=env, check=True, capture_output=True)
        assert hashlib.sha256(pack.read_bytes()).hexdigest() == expected, run
    names = sorted(p.name.split("-")[0] for p in (tmp_path / "cache").iterdir())
    assert "template" in names and "yaml" in names
