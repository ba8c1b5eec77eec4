"""Python's cyclic garbage collector paused while a pack is described and rendered.

Describing and rendering a pack creates some hundred thousand small objects (cells,
references, XML strings), nearly all of which live until the pack is written; the collector
runs every few hundred allocations and, now and then, walks every object the process holds
(the dataset, the template, the modules), to find almost nothing to free. Pausing it for
those two steps saved about a tenth of their time on the demo. It is switched back on
afterwards (only if it was on), so what the steps leave behind is collected as usual, and
memory is still freed the ordinary way (reference counts) while it is paused.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused_collection() -> Iterator[None]:
    """No cyclic garbage collection inside the ``with`` block (nested blocks, or a caller
    that turned the collector off itself, leave it as they found it)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
