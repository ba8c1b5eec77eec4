"""The row-height check's printed columns come from xlperf's cache when it is warm, and are
the same as derived from the layouts: cache cold, warm or turned off."""

from __future__ import annotations

from pathlib import Path

import pytest

from xlperf.reading import output_limits


def _columns() -> dict[tuple[str, str], list[tuple[str, str, float, bool]]]:
    output_limits.printed_columns.cache_clear()
    return {key: [(p.sheet, p.header, p.width, p.by_paragraph) for p in places]
            for key, places in output_limits.printed_columns().items()}


def test_cold_warm_and_no_cache_agree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XLPERF_CACHE_DIR", "")
    uncached = _columns()
    assert uncached  # the layouts do print input text
    monkeypatch.setenv("XLPERF_CACHE_DIR", str(tmp_path))
    assert _columns() == uncached  # a miss: derived, then stored
    assert list(tmp_path.glob("yaml-printed-columns-*.bin"))
    assert _columns() == uncached  # a hit
    output_limits.printed_columns.cache_clear()


def test_the_key_holds_every_layout_file_and_the_code_that_reads_them() -> None:
    inputs = output_limits._printed_inputs()
    for name in ("pack/layouts/policing_plan.yaml", "pack/styles.yaml", "pack/page.yaml"):
        assert name in inputs
    for module in ("layout.py", "output_limits.py", "a1.py", "text_fit.py", "yamlio.py"):
        assert module in inputs
