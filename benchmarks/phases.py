"""Where one build's time goes: run by ``benchmarks/run.py --profile`` as a fresh process,
``python3 benchmarks/phases.py INPUT OUTPUT``; prints one JSON object of seconds per phase
(Python's own start-up is measured by run.py from outside, as ``python3 -c pass``).
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path


def main(source: str, output: str) -> None:
    clock = time.perf_counter
    phases: dict[str, float] = {}
    t = clock()
    import xlperf.cli  # noqa: F401 - what `xlperf build` imports, in its order
    from xlperf.api import load_dataset, resolve_quarter
    from xlperf.pack.build import describe_pack
    from xlperf.writers.atomic import check_output_path, write_bytes_atomically
    from xlperf.writers.pack_xlsx import render_pack

    phases["import xlperf and its libraries"] = clock() - t
    t = clock()
    ds = load_dataset(Path(source))
    phases["read and validate the input"] = clock() - t
    t = clock()
    pack = describe_pack(ds, resolve_quarter(ds, None))
    phases["describe the pack (domain + pack model)"] = clock() - t
    from xlperf.api import template_path

    render: dict[str, float] = {}
    data = render_pack(pack, template_path(), render)
    phases.update(render)
    t = clock()
    check_output_path(Path(output), (Path(source),))
    write_bytes_atomically(data, Path(output))
    phases["write the file (atomic)"] = clock() - t
    print(json.dumps(phases))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
