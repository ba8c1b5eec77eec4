"""Write files so that a failed or killed run never leaves a half-written output.

The workbook is saved to a temporary file in the destination folder, made deterministic
(fixed zip timestamps and document dates, so the same input gives the same bytes),
flushed to disk, and only then renamed over the destination in one atomic step.

The temporary file is named ``.<output name>.<random>.tmp``: hidden, and never ending in
.xlsx, so a run killed before the rename leaves nothing that looks like a pack.

Test hook: when the environment variable ``XLPERF_TEST_PAUSE_BEFORE_RENAME`` names a file,
the writer creates that file (holding the temporary file's path) once the temporary file is
complete, then waits before the rename, so tests/test_faults.py can kill the process at that
exact point. Normal runs only look the variable up once per file written.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import tempfile
import time
import zipfile
from pathlib import Path
from typing import Any

from ..filenames import MAX_NAME_BYTES, name_bytes, temp_prefix
from ..problems import XlperfError

#: The timestamp written into every package, so that packs can be diffed byte for byte.
FIXED_TIMESTAMP = dt.datetime(2000, 1, 1, 0, 0, 0)
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)
_CORE_STAMP = FIXED_TIMESTAMP.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
#: See the module docstring: a test hook, unset in normal runs.
PAUSE_ENV = "XLPERF_TEST_PAUSE_BEFORE_RENAME"
PAUSE_SECONDS = 120
_CORE_DATES = re.compile(
    rb"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:(created|modified)>)"
)


def _exists(path: Path) -> bool:
    """``path.exists()``, False for a name too long to exist."""
    try:
        return path.exists()
    except OSError:
        return False


def check_output_path(output: Path, inputs: tuple[Path, ...] = ()) -> None:
    """Refuse an output that is an input, sits in a missing folder, is open in Excel, or
    whose name no file system takes."""
    output = Path(output)
    size = name_bytes(output.name)
    if size > MAX_NAME_BYTES:
        raise XlperfError(f"{output.name[:40]}...: the file name is {size} bytes long, over "
                          f"the {MAX_NAME_BYTES}-byte limit of file systems; choose a shorter "
                          "name")
    for source in inputs:
        if output.resolve() == Path(source).resolve():
            raise XlperfError(f"{output}: is the input workbook; choose another output file")
    folder = output.parent
    if not folder.exists():
        raise XlperfError(f"{output}: folder {folder} does not exist")
    if not folder.is_dir():
        raise XlperfError(f"{output}: {folder} is not a folder")
    lock = folder / f"~${output.name}"
    if _exists(lock):
        raise XlperfError(f"{output}: is open in Excel (lock file {lock.name}); close it first")
    office_lock = folder / f".~lock.{output.name}#"
    if _exists(office_lock):
        raise XlperfError(f"{output}: is open in LibreOffice (lock file {office_lock.name}); "
                          "close it first")
    if output.exists() and output.is_dir():
        raise XlperfError(f"{output}: is a folder")
    if not os.access(folder, os.W_OK):
        raise XlperfError(f"{output}: folder {folder} is read-only")


def normalise_package(data: bytes) -> bytes:
    """Rewrite an .xlsx package with fixed timestamps and document dates."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = _CORE_DATES.sub(rb"\g<1>" + _CORE_STAMP + rb"\g<3>", content)
            fixed = zipfile.ZipInfo(info.filename, date_time=_ZIP_DATE)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o600 << 16
            target.writestr(fixed, content)
    return out.getvalue()


def _pause_for_test(temp_name: str) -> None:
    marker = os.environ.get(PAUSE_ENV)
    if marker:
        Path(marker + ".part").write_text(temp_name, encoding="utf-8")
        os.replace(marker + ".part", marker)  # the test sees the marker whole or not at all
        time.sleep(PAUSE_SECONDS)


def _current_umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _honour_umask(fd: int) -> None:
    """Give the file the mode a plain ``open()`` would (0666 less the umask): the temporary
    file is created 0600, which would make the output unreadable to a shared drive's group."""
    if hasattr(os, "fchmod"):  # not on Windows, where modes do not apply
        os.fchmod(fd, 0o666 & ~_current_umask())


def write_bytes_atomically(data: bytes, output: Path) -> Path:
    output = Path(output)
    try:
        handle, temp_name = tempfile.mkstemp(prefix=temp_prefix(output.name), suffix=".tmp",
                                             dir=output.parent)
    except OSError as exc:  # a read-only or full disk refuses even an empty file
        reason = "the disk is full" if exc.errno == 28 else exc.strerror or str(exc)
        raise XlperfError(f"{output}: could not be written ({reason}); nothing was changed") \
            from None
    try:
        with os.fdopen(handle, "wb") as temp:
            temp.write(data)
            temp.flush()
            _honour_umask(temp.fileno())
            os.fsync(temp.fileno())
        _pause_for_test(temp_name)
        os.replace(temp_name, output)
    except OSError as exc:
        Path(temp_name).unlink(missing_ok=True)
        reason = "the disk is full" if exc.errno == 28 else exc.strerror or str(exc)
        raise XlperfError(f"{output}: could not be written ({reason}); nothing was changed") \
            from None
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise
    return output


def workbook_bytes(book: Any) -> bytes:
    """Serialise an openpyxl workbook deterministically."""
    book.properties.created = FIXED_TIMESTAMP
    book.properties.modified = FIXED_TIMESTAMP
    book.properties.creator = "xlperf"
    book.properties.lastModifiedBy = "xlperf"
    buffer = io.BytesIO()
    book.save(buffer)
    return normalise_package(buffer.getvalue())


def save_workbook_atomically(book: Any, output: Path, inputs: tuple[Path, ...] = ()) -> Path:
    check_output_path(output, inputs)
    return write_bytes_atomically(workbook_bytes(book), output)
