"""The demo pack is byte-identical to the committed reference: a refactor that changes one
byte of the pack fails here. After a deliberate change of the pack, regenerate the reference
with `.venv/bin/python scripts/update_pack_reference.py` (README, Development)."""

from __future__ import annotations

import hashlib
from pathlib import Path

REFERENCE = Path(__file__).resolve().parent / "data" / "demo-pack.sha256"


def test_demo_pack_bytes_match_the_committed_reference(demo_pack_file: Path) -> None:
    # demo_pack_file: conftest's session build of the demo (xlperf.api.build_pack)
    expected = REFERENCE.read_text(encoding="utf-8").split()[0]
    digest = hashlib.sha256(demo_pack_file.read_bytes()).hexdigest()
    assert digest == expected, (
        "the demo pack changed; if that is deliberate run "
        "`.venv/bin/python scripts/update_pack_reference.py` and commit "
        "tests/data/demo-pack.sha256")
