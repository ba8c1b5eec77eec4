"""Measure a PDF as printed: per page, the text and the printed size of its words.

``pdftotext -bbox`` gives every word's box in points; Arial 10 at 100% prints 13.0 pt
boxes, so the printed font size is the box height / 1.3.
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


@dataclass
class Page:
    number: int
    width: float
    height: float
    words: list[tuple[float, str]]  # (printed size in pt, word)

    @property
    def text(self) -> str:
        return " ".join(w for _, w in self.words)

    @property
    def median_size(self) -> float:
        return statistics.median(s for s, _ in self.words) if self.words else 0.0

    def size_below(self, floor: float, header_words: set[str] | None = None) -> list[str]:
        return [w for s, w in self.words if s < floor]


def pages(pdf: Path) -> list[Page]:
    out = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], check=True,
                         capture_output=True, text=True).stdout
    result = []
    for n, match in enumerate(_PAGE.finditer(out), start=1):
        words = [((float(y2) - float(y1)) / 1.3, html.unescape(w))
                 for _x1, y1, _x2, y2, w in _WORD.findall(match.group(3))]
        result.append(Page(n, float(match.group(1)), float(match.group(2)), words))
    return result


def convert(xlsx: Path, outdir: Path, profile: Path) -> Path:
    subprocess.run(["soffice", f"-env:UserInstallation={profile.resolve().as_uri()}",
                    "--headless", "--convert-to", "pdf", "--outdir", str(outdir), str(xlsx)],
                   check=True, capture_output=True, timeout=300)
    return outdir / (xlsx.stem + ".pdf")


_FOOTER = re.compile(r"(?:Q[1-4] \d{4}-\d{2})\s+(.+?)\s+Page \d+ of \d+\s*$")


def sheet_of(page: Page) -> str:
    """The sheet a page prints: the footer's centre (``&A``), between the quarter and
    "Page n of N"."""
    words = [w for _, w in page.words]
    # the footer is the last line: find "Page" from the end
    for i in range(len(words) - 1, -1, -1):
        if words[i] == "Page" and i + 3 < len(words) + 1 and words[i + 2:i + 3] == ["of"]:
            tail = words[:i]
            for j in range(len(tail) - 1, -1, -1):
                if re.fullmatch(r"\d{4}-\d{2}", tail[j]):
                    return " ".join(tail[j + 1:])
    return ""
