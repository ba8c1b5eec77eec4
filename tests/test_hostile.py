"""Feature: input workbooks are untrusted files; nothing hostile gets in.

XML entity bombs and zip bombs are refused before any parser or decompressor sees them;
external links and macros are never followed or run (a warning says so); text that looks
like a formula (=, +, -, @) is carried through the whole pipeline as text; a file over the
documented size limit is refused before it is opened; a hostile --template is checked too.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import zipfile
from pathlib import Path
from typing import Any

import bad_inputs
import pytest
from click.testing import CliRunner, Result
from openpyxl import load_workbook

from xlperf.cli import main
from xlperf.reading import xlsx
from xlperf.reading.xlsx import MAX_INPUT_BYTES, UnreadableInput, read_workbook

ROOT = Path(__file__).resolve().parent.parent
MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def run(*args: str) -> Result:
    result = CliRunner().invoke(main, list(args))
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result


def problems(path: Path) -> tuple[int, list[tuple[str, str, str]]]:
    result = run("validate", str(path), "--json")
    report = json.loads(result.output)
    return result.exit_code, [(p["code"], p["severity"], p["message"])
                              for p in report["problems"]]


def demo_own_warnings() -> set[tuple[str, str]]:
    """The warnings the demo itself gives (e.g. a reported grade its rule cannot check):
    a hostile copy of the demo must add its own warning and nothing else."""
    code, found = problems(ROOT / "xlperf" / "assets" / "demo-q4-2021-22.xlsx")
    assert code == 0
    return {(c, s) for c, s, _m in found}


def added(found: list[tuple[str, str, str]]) -> list[tuple[str, str]]:
    own = demo_own_warnings()
    return [(c, s) for c, s, _m in found if (c, s) not in own]


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def write_parts(path: Path, parts: dict[str, bytes]) -> Path:
    path.write_bytes(bad_inputs._zip(parts))
    return path


@pytest.fixture
def no_parsers(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make any attempt to parse the workbook's contents fail the test."""
    import python_calamine

    def refuse(*_args: Any, **_kwargs: Any) -> None:
        raise AssertionError("the file reached a parser")

    monkeypatch.setattr(python_calamine.CalamineWorkbook, "from_path", refuse)
    monkeypatch.setattr(xlsx, "scan_sheet", refuse)
    monkeypatch.setattr(xlsx, "_sheet_parts", refuse)


# -- XML bombs ---------------------------------------------------------------------------------

def test_billion_laughs_is_refused_before_parsing(tmp_path: Path, no_parsers: None) -> None:
    path = tmp_path / "laughs.xlsx"
    path.write_bytes(bad_inputs.billion_laughs())
    with pytest.raises(UnreadableInput) as caught:
        read_workbook(path)
    assert caught.value.problem.code == "xml-entities"
    assert "xl/workbook.xml" in caught.value.problem.message


@pytest.mark.slow
def test_billion_laughs_through_the_command_line(tmp_path: Path) -> None:
    path = tmp_path / "laughs.xlsx"
    path.write_bytes(bad_inputs.billion_laughs())
    before = sha256(path)
    code, found = problems(path)
    assert code == 1
    assert [c for c, _s, _m in found] == ["xml-entities"]
    assert "XML bomb" in found[0][2]
    built = run("build", str(path), "-o", str(tmp_path / "pack.xlsx"))
    assert built.exit_code == 1 and "[xml-entities]" in built.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["laughs.xlsx"]
    assert sha256(path) == before


def _doctype_sheet(prefix: bytes, encoding: str = "utf-8") -> dict[str, bytes]:
    parts = bad_inputs._demo_parts()
    part = bad_inputs._sheet_part(parts, "Crime")
    text = parts[part].decode()
    body = text[text.index("<worksheet"):]
    bomb = '<!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">]>'
    head = f'<?xml version="1.0" encoding="{encoding}"?>'
    parts[part] = (head + prefix.decode() + bomb + body).encode(encoding)
    return parts


@pytest.mark.parametrize(("prefix", "encoding"), [
    (b"<!--" + b" padding " * 2000 + b"-->", "utf-8"),  # DOCTYPE beyond the first 4 KiB
    (b"", "utf-16"),  # "<!DOCTYPE" is not those bytes in UTF-16
])
def test_hidden_doctype_is_still_found(tmp_path: Path, prefix: bytes, encoding: str,
                                       no_parsers: None) -> None:
    path = write_parts(tmp_path / "hidden.xlsx", _doctype_sheet(prefix, encoding))
    with pytest.raises(UnreadableInput) as caught:
        read_workbook(path)
    assert caught.value.problem.code == "xml-entities"


# -- zip bombs ---------------------------------------------------------------------------------

def test_zip_bomb_is_refused_before_unpacking(tmp_path: Path, no_parsers: None,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "bomb.xlsx"
    path.write_bytes(bad_inputs.zip_bomb())
    opened: list[str] = []
    real_open = zipfile.ZipFile.open

    def spy(self: zipfile.ZipFile, name: Any, *args: Any, **kwargs: Any) -> Any:
        opened.append(getattr(name, "filename", name))
        return real_open(self, name, *args, **kwargs)

    monkeypatch.setattr(zipfile.ZipFile, "open", spy)
    with pytest.raises(UnreadableInput) as caught:
        read_workbook(path)
    assert caught.value.problem.code == "zip-bomb"
    assert "xl/media/padding.bin" in caught.value.problem.message
    assert opened == []  # refused from the sizes in the zip directory alone


@pytest.mark.slow
def test_zip_bomb_through_the_command_line(tmp_path: Path) -> None:
    path = tmp_path / "bomb.xlsx"
    path.write_bytes(bad_inputs.zip_bomb())
    code, found = problems(path)
    assert code == 1 and [c for c, _s, _m in found] == ["zip-bomb"]
    built = run("build", str(path), "-o", str(tmp_path / "pack.xlsx"))
    assert built.exit_code == 1 and "[zip-bomb]" in built.output
    assert not (tmp_path / "pack.xlsx").exists()


def test_zip_that_lies_about_its_sizes_is_refused(tmp_path: Path) -> None:
    """A part declared small in the zip directory but unpacking to 20 MiB: the readers stop
    at the declared size, so it is refused as corrupt rather than unpacked."""
    import struct

    parts = bad_inputs._demo_parts()
    part = bad_inputs._sheet_part(parts, "ASB")
    honest = parts[part]
    parts[part] = honest.replace(b"<sheetData>", b"<sheetData>" + b" " * (20 * 2**20))
    data = bytearray(bad_inputs._zip(parts))
    info = zipfile.ZipFile(io.BytesIO(bytes(data))).getinfo(part)
    struct.pack_into("<I", data, info.header_offset + 22, len(honest))  # local header
    central = data.find(b"PK\x01\x02")  # then each central directory entry
    while central >= 0:
        length = struct.unpack_from("<H", data, central + 28)[0]
        if data[central + 46:central + 46 + length] == part.encode():
            struct.pack_into("<I", data, central + 24, len(honest))
        central = data.find(b"PK\x01\x02", central + 4)
    path = tmp_path / "liar.xlsx"
    path.write_bytes(bytes(data))
    code, found = problems(path)
    assert code == 1
    assert [c for c, _s, _m in found] == ["corrupt-file"]
    assert "declared" in found[0][2]


# -- too large -------------------------------------------------------------------------------

def test_file_over_the_limit_is_refused_before_it_is_opened(
        tmp_path: Path, no_parsers: None, monkeypatch: pytest.MonkeyPatch) -> None:
    path = bad_inputs.too_large(tmp_path)
    assert path.stat().st_size == MAX_INPUT_BYTES + 1

    def refuse(*_args: Any, **_kwargs: Any) -> None:
        raise AssertionError("the file was opened as a zip")

    monkeypatch.setattr(zipfile, "ZipFile", refuse)
    monkeypatch.setattr(zipfile, "is_zipfile", refuse)
    with pytest.raises(UnreadableInput) as caught:
        read_workbook(path)
    assert caught.value.problem.code == "file-too-large"
    assert f"{MAX_INPUT_BYTES:,}-byte limit" in caught.value.problem.message


def test_the_size_limit_is_documented() -> None:
    doc = (ROOT / "docs" / "problem-codes.md").read_text(encoding="utf-8")
    row = next(line for line in doc.splitlines() if line.startswith("| `file-too-large`"))
    assert f"{MAX_INPUT_BYTES // 2**20} MB" in row


# -- external links and macros ------------------------------------------------------------------

def _crime_cell(row_value: int = 1) -> tuple[str, int]:
    """A Crime cell of the demo holding a count of at least ``row_value``: (ref, value)."""
    sheet = load_workbook(bad_inputs.DEMO)["Crime"]
    for row in range(5, sheet.max_row + 1):
        value = sheet[f"D{row}"].value
        if isinstance(value, int) and value >= row_value:
            return f"D{row}", value
    raise AssertionError("no count in the demo's Crime sheet")


def with_external_link(folder: Path) -> tuple[Path, Path, str, int]:
    """The demo with Crime!D<r> a formula into another workbook, its saved value kept; the
    other workbook holds a different number there. Returns (input, other, ref, saved)."""
    ref, saved = _crime_cell(5)
    other = folder / "other.xlsx"
    book = load_workbook(bad_inputs.DEMO)
    book["Crime"][ref] = saved + 1000
    book.save(other)
    parts = bad_inputs._demo_parts()
    part = bad_inputs._sheet_part(parts, "Crime")
    cell = f'<c r="{ref}"><f>[1]Crime!{ref}</f><v>{saved}</v></c>'
    parts[part] = re.sub(rf'<c r="{ref}"[^>]*?(/>|>.*?</c>)'.encode(), cell.encode(),
                         parts[part], count=1, flags=re.DOTALL)
    parts["xl/externalLinks/externalLink1.xml"] = (
        f'<externalLink xmlns="{MAIN_NS}" xmlns:r="{REL_NS}"><externalBook r:id="rId1">'
        '<sheetNames><sheetName val="Crime"/></sheetNames><sheetDataSet><sheetData sheetId="0">'
        f'<row r="{ref[1:]}"><cell r="{ref}"><v>{saved}</v></cell></row></sheetData>'
        "</sheetDataSet></externalBook></externalLink>").encode()
    parts["xl/externalLinks/_rels/externalLink1.xml.rels"] = (
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        f'relationships/externalLinkPath" Target="{other.as_uri()}" TargetMode="External"/>'
        "</Relationships>").encode()
    rels = parts["xl/_rels/workbook.xml.rels"].decode()
    parts["xl/_rels/workbook.xml.rels"] = rels.replace("</Relationships>", (
        '<Relationship Id="rIdX1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/externalLink" Target="externalLinks/externalLink1.xml"/>'
        "</Relationships>")).encode()
    workbook = parts["xl/workbook.xml"].decode()
    parts["xl/workbook.xml"] = workbook.replace(
        "</sheets>", '</sheets><externalReferences><externalReference r:id="rIdX1"/>'
        "</externalReferences>", 1).encode()
    types = parts["[Content_Types].xml"].decode()
    parts["[Content_Types].xml"] = types.replace("</Types>", (
        '<Override PartName="/xl/externalLinks/externalLink1.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.externalLink+xml"/></Types>')).encode()
    return write_parts(folder / "linked.xlsx", parts), other, ref, saved


def with_macros(folder: Path) -> tuple[Path, bytes]:
    """The demo saved as .xlsm with a VBA project part (bytes no one should ever parse)."""
    macro = bytes.fromhex("d0cf11e0a1b11ae1") + b"Sub Auto_Open(): Shell \"calc\": End Sub" * 50
    parts = bad_inputs._demo_parts()
    parts["xl/vbaProject.bin"] = macro
    rels = parts["xl/_rels/workbook.xml.rels"].decode()
    parts["xl/_rels/workbook.xml.rels"] = rels.replace("</Relationships>", (
        '<Relationship Id="rIdV1" Type="http://schemas.microsoft.com/office/2006/'
        'relationships/vbaProject" Target="vbaProject.bin"/></Relationships>')).encode()
    types = parts["[Content_Types].xml"].decode()
    types = types.replace("application/vnd.openxmlformats-officedocument.spreadsheetml."
                          "sheet.main+xml", "application/vnd.ms-excel.sheet.macroEnabled.main+xml")
    parts["[Content_Types].xml"] = types.replace("</Types>", (
        '<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/>'
        "</Types>")).encode()
    return write_parts(folder / "macros.xlsm", parts), macro


def package_parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


@pytest.mark.slow
def test_external_links_are_never_followed(tmp_path: Path) -> None:
    path, other, ref, saved = with_external_link(tmp_path)
    other_before = sha256(other)
    code, found = problems(path)
    assert code == 0
    assert added(found) == [("external-links-ignored", "warning")]
    from xlperf.reading.pipeline import load_or_raise

    ds = load_or_raise(path)
    row = int(ref[1:])
    sheet = load_workbook(bad_inputs.DEMO)["Crime"]
    category, fy = sheet[f"B{row}"].value, sheet[f"C{row}"].value
    series = next(s for f, s in ds.crime[category].items() if f.label == fy)
    assert series.values[0] == saved  # the value saved in the input, not the linked 1000 more
    out = tmp_path / "pack.xlsx"
    built = run("build", str(path), "-o", str(out))
    assert built.exit_code == 0, built.output
    pack = package_parts(out)
    assert not [n for n in pack if "externalLink" in n]
    assert not any(other.name.encode() in content for content in pack.values())
    assert sha256(other) == other_before


@pytest.mark.slow
def test_macros_are_never_run_or_copied(tmp_path: Path) -> None:
    path, macro = with_macros(tmp_path)
    before = sha256(path)
    code, found = problems(path)
    assert code == 0
    assert added(found) == [("macros-ignored", "warning")]
    out = tmp_path / "pack.xlsx"
    built = run("build", str(path), "-o", str(out))
    assert built.exit_code == 0, built.output
    assert macro not in package_parts(out).values()
    assert sha256(path) == before


# -- formula-looking text ---------------------------------------------------------------------

PAYLOADS = {
    "narrative": "=cmd|' /C calc'!A0",
    "recommendation": "=1+1",
    "comments": "+1+1 (comment)",
    "position": "-1+1 (position)",
    "reason": "@SUM(1,1) (reason)",
    "measure": "=HYPERLINK(\"http://example.invalid\",\"click\")",
    "kpa": "=1+1 (current position)",
}


def _rows_of(sheet: Any, table: str) -> range:
    first, last = sheet.tables[table].ref.split(":")
    return range(int(re.sub(r"[A-Z]+", "", first)) + 1, int(re.sub(r"[A-Z]+", "", last)) + 1)


def hostile_text_copy(folder: Path) -> Path:
    """The demo with formula-looking text in narratives, recommendations, comments, reasons,
    measure text and partnership positions (stored as text, as Excel stores ="..." typed
    after an apostrophe)."""
    book = load_workbook(bad_inputs.DEMO)

    def put(sheet: Any, ref: str, key: str) -> None:
        sheet[ref] = PAYLOADS[key]
        sheet[ref].data_type = "s"

    national = book["National priorities"]
    for row in _rows_of(national, "tblNarratives"):
        if (national[f"C{row}"].value, national[f"D{row}"].value) == ("2021-22", "Q4"):
            put(national, f"E{row}", "narrative")
    hmicfrs = book["HMICFRS"]
    put(hmicfrs, "F5", "recommendation")
    put(hmicfrs, "K5", "comments")
    put(hmicfrs, "M5", "position")
    values = book["Measure values"]
    for row in _rows_of(values, "tblMeasureValues"):
        if values[f"C{row}"].value == "2021-22":
            put(values, f"G{row}", "reason")
    put(book["Measures"], "E5", "measure")
    put(book["Partnership"], "H5", "kpa")
    path = folder / "hostile-text.xlsx"
    book.save(path)
    return path


@pytest.fixture(scope="module")
def hostile_text(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return hostile_text_copy(tmp_path_factory.mktemp("hostile"))


@pytest.mark.slow
def test_formula_text_in_the_input_is_text(hostile_text: Path) -> None:
    code, found = problems(hostile_text)
    assert code == 0, found
    from xlperf.reading.pipeline import load_or_raise

    ds = load_or_raise(hostile_text)
    narratives = [n.text for n in ds.narratives.values()]
    assert PAYLOADS["narrative"] in narratives
    assert PAYLOADS["recommendation"] in [r.text for r in ds.recommendations]


def payload_cells(path: Path) -> dict[str, list[tuple[str, str]]]:
    """Payload key -> (address, data type) of every cell whose text holds that payload."""
    found: dict[str, list[tuple[str, str]]] = {}
    book = load_workbook(path)
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if not isinstance(cell.value, str):
                    continue
                for key, payload in PAYLOADS.items():
                    if payload in cell.value:
                        found.setdefault(key, []).append(
                            (f"{sheet.title}!{cell.coordinate}", cell.data_type))
    return found


def no_formula_holds_a_payload(path: Path) -> None:
    """In the package XML itself, no <f> element carries any of the payloads."""
    for name, content in package_parts(path).items():
        if name.startswith("xl/worksheets/"):
            for formula in re.findall(rb"<f[^>]*>(.*?)</f>", content, flags=re.DOTALL):
                text = formula.decode()
                assert "cmd|" not in text and "example.invalid" not in text, (name, text)


#: Payloads the output must hold exactly as typed (the others are quoted inside a label).
WHOLE = {"narrative", "recommendation", "comments", "position"}


@pytest.mark.slow
@pytest.mark.parametrize(("command", "expected"), [
    ("build", {"narrative", "recommendation", "comments", "reason", "measure"}),
    ("statement", {"narrative"}),
    ("trackers", {"recommendation", "comments", "position", "kpa"}),
])
def test_formula_text_goes_through_as_text(hostile_text: Path, tmp_path: Path, command: str,
                                           expected: set[str]) -> None:
    out = tmp_path / f"{command}.xlsx"
    result = run(command, str(hostile_text), "-o", str(out))
    assert result.exit_code == 0, result.output
    found = payload_cells(out)
    assert expected <= found.keys(), found
    for key, cells in found.items():
        assert all(kind == "s" for _where, kind in cells), (key, cells)
    book = load_workbook(out)
    for key in expected & WHOLE:  # the text itself, unchanged: no quote or prefix added
        cells = [where.split("!") for where, _kind in found[key]]
        assert any(book[sheet][ref].value == PAYLOADS[key] for sheet, ref in cells), key
    no_formula_holds_a_payload(out)


def test_writer_keeps_formula_looking_text_as_text(tmp_path: Path) -> None:
    """The cell writer on its own: each of = + - @ stays text after a save and a reload."""
    from xlperf.api import template_path
    from xlperf.pack.model import Pack, Sheet
    from xlperf.pack.place import place
    from xlperf.writers.pack_xlsx import _Book, _package
    from xlperf.writers.xlsx_template import cached_template

    template = cached_template(template_path())
    pack = Pack("Test pack", "Q4 2021-22", "OFFICIAL", [Sheet("Data")])
    book = _Book(template, place(pack, template.anchors))
    texts = ["=1+1", "+1+1", "-1+1", "@SUM(1,1)", "=cmd|' /C calc'!A0"]
    for i, value in enumerate(texts, start=1):
        book.put("Data", 100 + i, 1, value, None, None, f"A{i}")
    book.put("Data", 110, 1, 2, "=1+1", None, "A10")  # a real formula stays one
    path = tmp_path / "cells.xlsx"
    path.write_bytes(_package(book, pack))
    again = load_workbook(path)["Data"]
    assert [(again.cell(100 + i, 1).value, again.cell(100 + i, 1).data_type)
            for i in range(1, len(texts) + 1)] == [(t, "s") for t in texts]
    assert (again["A110"].value, again["A110"].data_type) == ("=1+1", "f")


# -- a hostile template -------------------------------------------------------------------------

@pytest.mark.slow
@pytest.mark.parametrize(("content", "code"), [
    (bad_inputs.billion_laughs, "xml-entities"),
    (bad_inputs.zip_bomb, "zip-bomb"),
    (lambda: b"not a workbook at all" * 10, "corrupt-file"),
])
def test_hostile_template_is_refused(tmp_path: Path, content: Any, code: str) -> None:
    template = tmp_path / "template.xlsx"
    template.write_bytes(content())
    out = tmp_path / "pack.xlsx"
    result = run("build", str(bad_inputs.DEMO), "--template", str(template), "-o", str(out))
    assert result.exit_code == 1
    assert f"[{code}]" in result.output and "template.xlsx" in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["template.xlsx"]
