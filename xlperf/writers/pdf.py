"""The committee PDF of a pack, printed by LibreOffice: the committee sheets only, in pack
order, each page footed "Page n of N" (the pack's own print setup).

The reviewer sheets (REVIEWER_SHEETS) are hidden in a temporary copy of the pack, which
LibreOffice then converts with a private profile (so a running LibreOffice is not
disturbed); their formulas still calculate, hidden sheets are just not printed. The PDF is
written through a temporary file and an atomic rename.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
import zipfile
from pathlib import Path

from ..problems import XlperfError
from .atomic import write_bytes_atomically

#: Sheets a reviewer reads but the committee does not receive: the figures behind each grade
#: (with measure ids), how every grade was reached,
#: the reconciliations (with the sources and input cells of every figure), the input data.
REVIEWER_SHEETS = ("Measure Figures", "SPC Data", "Reconciliation", "Audit", "Checks", "Data")
#: How long LibreOffice may take to print a pack.
TIMEOUT_SECONDS = 600

_SHEET = re.compile(r"<sheet\b[^>]*/>")
_NAME = re.compile(r'\bname="([^"]*)"')


class LibreOfficeMissing(XlperfError):
    """LibreOffice is not installed: the pack was written, the PDF cannot be."""


def find_soffice() -> str | None:
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    return None


def _unescape(name: str) -> str:
    return (name.replace("&quot;", '"').replace("&apos;", "'").replace("&lt;", "<")
            .replace("&gt;", ">").replace("&amp;", "&"))


def hide_sheets(source: Path, target: Path, hidden: tuple[str, ...]) -> list[str]:
    """Copy the workbook ``source`` to ``target`` with the sheets ``hidden`` hidden; return
    the sheets left visible, in order."""
    visible: list[str] = []

    def mark(match: re.Match[str]) -> str:
        tag = match.group(0)
        name = _NAME.search(tag)
        title = _unescape(name.group(1)) if name else ""
        if title in hidden:
            tag = re.sub(r'\sstate="[^"]*"', "", tag)
            return tag[:-2].rstrip() + ' state="hidden"/>'
        visible.append(title)
        return tag

    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w",
                                                         zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "xl/workbook.xml":
                data = _SHEET.sub(mark, data.decode("utf-8")).encode("utf-8")
            zout.writestr(item, data)
    return visible


def committee_pdf(pack: Path, output: Path | None = None,
                  hidden: tuple[str, ...] = REVIEWER_SHEETS) -> Path:
    """Print the committee sheets of ``pack`` to ``output`` (default: the pack's name with
    ``.pdf``). Raises :class:`LibreOfficeMissing` when LibreOffice is not installed."""
    pack = Path(pack)
    output = Path(output) if output else pack.with_suffix(".pdf")
    soffice = find_soffice()
    if soffice is None:
        raise LibreOfficeMissing(
            f"LibreOffice is not installed (no 'soffice' on the PATH), so {output.name} was "
            f"not written; {pack.name} was. Install LibreOffice, or print the committee "
            "sheets from Excel (File > Print).")
    with tempfile.TemporaryDirectory(prefix="xlperf-pdf-") as work:
        folder = Path(work)
        copy = folder / "pack.xlsx"
        visible = hide_sheets(pack, copy, hidden)
        if not visible:
            raise XlperfError(f"{pack.name}: no committee sheet to print")
        profile = folder / "profile"
        try:
            done = subprocess.run(
                [soffice, f"-env:UserInstallation={profile.resolve().as_uri()}", "--headless",
                 "--norestore", "--convert-to", "pdf", "--outdir", str(folder), str(copy)],
                capture_output=True, text=True, timeout=TIMEOUT_SECONDS, check=False)
        except subprocess.TimeoutExpired:
            raise XlperfError(f"LibreOffice took over {TIMEOUT_SECONDS} s to print "
                              f"{pack.name}; {output.name} was not written") from None
        printed = folder / "pack.pdf"
        if done.returncode != 0 or not printed.is_file():
            detail = (done.stderr or done.stdout).strip().splitlines()
            raise XlperfError(f"LibreOffice could not print {pack.name}"
                              f"{': ' + detail[-1] if detail else ''}; {output.name} was not "
                              "written")
        write_bytes_atomically(printed.read_bytes(), output)
    return output
