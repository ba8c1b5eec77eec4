"""``python -m xlperf``: the ``xlperf`` command."""

from .start import run

if __name__ == "__main__":
    run()
