"""Record the demo pack's SHA-256 in tests/data/demo-pack.sha256 (tests/test_pack_reference.py
compares every build with it). Run after a deliberate change of the pack:

    .venv/bin/python scripts/update_pack_reference.py
"""

from __future__ import annotations

import hashlib
import sys
import tempfile
from pathlib import Path

from xlperf.api import build_pack, demo_path

REFERENCE = Path(__file__).resolve().parent.parent / "tests" / "data" / "demo-pack.sha256"


def demo_pack_digest() -> str:
    """The SHA-256 of the pack ``xlperf build`` writes for the demo's latest quarter."""
    with tempfile.TemporaryDirectory() as folder:
        output, _quarter = build_pack(demo_path(), output=Path(folder) / "pack.xlsx")
        return hashlib.sha256(output.read_bytes()).hexdigest()


def main() -> int:
    digest = demo_pack_digest()
    REFERENCE.write_text(f"{digest}  demo pack (xlperf build, demo input, latest quarter)\n",
                         encoding="utf-8")
    print(f"{REFERENCE}: {digest}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
