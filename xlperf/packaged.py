"""Files shipped inside the xlperf package (its YAML data, layouts, assets), found by path.

xlperf is installed unzipped (a wheel, ``pip install .``, an editable checkout), so a
packaged file is a file under the package's folder, where :mod:`importlib.resources` would
find it too; reading it by path spares every run the import of ``importlib.resources``
(tempfile, shutil, random, zipfile...), several times the cost of reading the files.
"""

from __future__ import annotations

import os
from pathlib import Path

#: The folder of the xlperf package.
ROOT = os.path.dirname(os.path.abspath(__file__))


def path(*parts: str) -> Path:
    """The path of a packaged file or folder, ``parts`` below the package folder."""
    return Path(ROOT, *parts)


def text(*parts: str) -> str:
    """A packaged text file's content (UTF-8, newlines as ``read_text`` gives them)."""
    with open(os.path.join(ROOT, *parts), encoding="utf-8") as handle:
        return handle.read()
