"""Python's cyclic garbage collector: paused while a pack is described and rendered, and
off for a one-shot command.

Describing and rendering a pack creates some hundred thousand small objects (cells,
references, XML strings), nearly all of which live until the pack is written; the collector
runs every few hundred allocations and, now and then, walks every object the process holds
(the dataset, the template, the modules), to find almost nothing to free. Pausing it for
those two steps saved about a tenth of their time on the demo. It is switched back on
afterwards (only if it was on), so what the steps leave behind is collected as usual, and
memory is still freed the ordinary way (reference counts) while it is paused.

A one-shot command (``xlperf validate``, ``xlperf build`` ...: one input, one output, then
the process ends) runs with the collector off from start to exit (:func:`one_shot`): its
imports, reading and checks create tens of thousands of long-lived objects (classes,
functions, the dataset), and the collector's passes over them, and the final pass at exit
over everything the process holds, find nothing worth their time (about a tenth of a
validate, measured whole process). Reference counting still frees memory as usual; only
reference cycles wait, and a one-shot command makes few. ``build-all``, which builds many
packs in one process, switches the collector back on (:func:`collection_on`) in itself and
in each worker, so its memory stays flat however many packs it builds. The Excel add-in's
process, which stays open between presses, never goes through :func:`one_shot`.
"""

from __future__ import annotations

import atexit
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


def one_shot() -> None:
    """The collector off for the rest of this process, and no collection at exit: called
    once, by the command line's entry point, before it imports the command."""
    gc.disable()
    atexit.register(gc.freeze)  # the exit's last pass skips what is frozen: everything


def collection_on() -> None:
    """The collector on again, for a process that goes on to build many packs."""
    gc.enable()
