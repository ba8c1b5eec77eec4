"""Measure a PDF as printed: per page, its words, their printed size and the sheet it prints.

``pdftotext -bbox`` gives every word's box in points; Arial 10 at 100% prints 13.0 pt
boxes, so the printed font size is the box height / 1.3. The pack's footer prints the
sheet name (``&A``) in its centre, so a page's sheet is the footer's middle words.
"""

from __future__ import annotations

import html
import re
import statistics
import subprocess
from dataclasses import dataclass
from pathlib import Path

_PAGE = re.compile(r"<page width=\"([\d.]+)\" height=\"([\d.]+)\">(.*?)</page>", re.S)
_WORD = re.compile(r"<word xMin=\"([\d.]+)\" yMin=\"([\d.]+)\" xMax=\"([\d.]+)\" "
                   r"yMax=\"([\d.]+)\">(.*?)</word>")


@dataclass(frozen=True)
class Word:
    x: float
    y: float
    x2: float
    y2: float
    text: str

    @property
    def size(self) -> float:
        """Printed font size in points."""
        return (self.y2 - self.y) / 1.3


@dataclass
class Page:
    number: int
    width: float
    height: float
    words: list[Word]

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)

    @property
    def footer(self) -> list[Word]:
        """The words of the footer band (the bottom 8% of the page)."""
        return [w for w in self.words if w.y > self.height * 0.92]

    @property
    def header(self) -> list[Word]:
        return [w for w in self.words if w.y2 < self.height * 0.07]

    @property
    def body(self) -> list[Word]:
        edge = set(map(id, self.footer)) | set(map(id, self.header))
        return [w for w in self.words if id(w) not in edge]

    @property
    def sheet(self) -> str:
        """The footer's centre: the sheet name (the run of words nearest the middle)."""
        runs: list[list[Word]] = []
        for word in sorted(self.footer, key=lambda w: w.x):
            if runs and word.x - runs[-1][-1].x2 < 12:
                runs[-1].append(word)
            else:
                runs.append([word])
        if not runs:
            return ""
        middle = min(runs, key=lambda r: abs((r[0].x + r[-1].x2) / 2 - self.width / 2))
        return " ".join(w.text for w in middle)

    @property
    def smallest(self) -> float:
        return min((w.size for w in self.body), default=99.0)

    @property
    def median(self) -> float:
        return statistics.median(w.size for w in self.body) if self.body else 99.0


def pages(pdf: Path) -> list[Page]:
    out = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], check=True,
                         capture_output=True, text=True).stdout
    result = []
    for n, match in enumerate(_PAGE.finditer(out), start=1):
        words = [Word(float(x1), float(y1), float(x2), float(y2), html.unescape(w))
                 for x1, y1, x2, y2, w in _WORD.findall(match.group(3))]
        result.append(Page(n, float(match.group(1)), float(match.group(2)), words))
    return result


def convert(source: Path, outdir: Path, profile: Path) -> Path:
    """``source`` (xlsx) to PDF with LibreOffice, using a private profile."""
    subprocess.run(["soffice", f"-env:UserInstallation={profile.resolve().as_uri()}",
                    "--headless", "--convert-to", "pdf", "--outdir", str(outdir), str(source)],
                   check=True, capture_output=True, timeout=600)
    return outdir / (source.stem + ".pdf")
