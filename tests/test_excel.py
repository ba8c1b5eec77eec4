"""Inside Excel, without Excel: the analyst workbook, its VBA and buttons, and the entry
points the buttons call, run on xlwings' remote engine and replayed onto the file."""

from __future__ import annotations

import datetime as dt
import inspect
import io
import math
import os
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")

import xlwings as xw

from xlperf.api import build_pack, explain_measure
from xlperf.excel import entry, replay
from xlperf.excel.writer import workbook_names
from xlperf.pack.place import sheet_prefix
from xlperf.writers import vba, xlsm

pytestmark = pytest.mark.slow  # the xlwings engine and LibreOffice

BUTTON_MACRO = re.compile(r"<x:FmlaMacro>\[0\]!(\w+)</x:FmlaMacro>")
RUN_PYTHON = re.compile(r'RunPython\s+"import ([\w.]+) as (\w+); \2\.(\w+)\((.*?)\)"')


def run(function, path: Path, **where):  # type: ignore[no-untyped-def]
    """Run an entry point on the remote engine; the actions replayed onto ``path``."""
    book = xw.Book(json=replay.payload(path, **where))
    result = function(book)
    actions = book.json()["actions"]
    return result, actions, replay.replay(path, actions)


def cells(sheet) -> dict[tuple[int, int], object]:  # type: ignore[no-untyped-def]
    out = {}
    for row in sheet.iter_rows():
        for cell in row:
            value = cell.value
            if isinstance(value, dt.datetime) and value.time() == dt.time(0):
                value = value.date()
            if isinstance(value, float) and value.is_integer():
                value = int(value)
            if value is not None:
                out[(cell.row, cell.column)] = value
    return out


def same(a: object, b: object) -> bool:
    """Equal values; floats to 12 significant digits (openpyxl writes floats to a file with
    one digit fewer than Python holds, so a float read back from the file pack may differ
    in its last binary digit)."""
    if isinstance(a, float) and isinstance(b, (int, float)):
        return math.isclose(a, b, rel_tol=1e-12)
    return a == b


def assert_same_cells(got: dict, want: dict, label: str) -> None:  # type: ignore[type-arg]
    assert got.keys() == want.keys(), label
    assert {k: (got[k], want[k]) for k in want if not same(got[k], want[k])} == {}, label


def renamed_formula(value: object, names: dict[str, str]) -> object:
    """A file pack formula with its sheet references renamed as in the analyst workbook."""
    if not isinstance(value, str) or not value.startswith("="):
        return value
    for old, new in names.items():
        if old != new:
            quoted = "'" + old.replace("'", "''") + "'"
            value = re.sub(rf"(?:{re.escape(quoted)}|(?<![\w.']){re.escape(old)})!",
                           lambda _m, new=new: f"{sheet_prefix(new)}!", value)
    return value


@pytest.fixture(scope="module")
def file_pack(demo: Path, tmp_path_factory) -> Path:  # type: ignore[no-untyped-def]
    out = tmp_path_factory.mktemp("file") / "pack.xlsx"
    build_pack(demo, output=out)
    return out


@pytest.fixture(scope="module")
def built(demo: Path, tmp_path_factory):  # type: ignore[no-untyped-def]
    """The demo with the pack built into it by the Build pack button."""
    folder = tmp_path_factory.mktemp("built")
    source = folder / demo.name
    shutil.copy(demo, source)
    result, actions, done = run(entry.build_pack, source)
    out = folder / "built.xlsx"
    done.book.save(out)
    return result, actions, done, out


def assert_same_pack(file_pack: Path, book, sheets=None) -> None:  # type: ignore[no-untyped-def]
    expected = load_workbook(file_pack)
    names = workbook_names(expected.sheetnames, entry._taken())
    compared = 0
    for name in sheets or expected.sheetnames:
        want = {k: renamed_formula(v, names) for k, v in cells(expected[name]).items()}
        assert_same_cells(cells(book[names[name]]), want, name)
        compared += len(want)
    assert compared > 100


# -- the entry points on the remote engine ---------------------------------------------
def test_build_pack_writes_the_cells_xlperf_build_writes(built, file_pack):
    result, actions, done, _ = built
    assert result is True
    assert done.unsupported == []
    assert len(done.alerts) == 1 and "written" in done.alerts[0]
    assert_same_pack(file_pack, done.book)
    expected = load_workbook(file_pack)
    names = workbook_names(expected.sheetnames, entry._taken())
    for name in expected.sheetnames:  # the same tables, in the same places
        want = {t.ref for t in expected[name].tables.values()}
        assert {t.ref for t in done.book[names[name]].tables.values()} == want, name


def test_pack_sheets_named_like_input_sheets_are_suffixed(built):
    book = built[2].book
    for name in ("Measures", "Servator", "Public order", "ASB"):
        assert name in book.sheetnames  # the input sheet is still there
    assert "Measures (pack)" in book.sheetnames and "Public Order (pack)" in book.sheetnames
    tables = [t for ws in book.worksheets for t in ws.tables]
    assert len(tables) == len({t.lower() for t in tables})  # table names stay unique


def test_build_pack_from_the_analyst_workbook(tmp_path, file_pack, demo):
    path = tmp_path / demo.name.replace(".xlsx", ".xlsm")
    path.write_bytes(xlsm.build_workbook(xlsm.demo_rows()))
    result, _actions, done = run(entry.build_pack, path)
    assert result is True, done.alerts
    assert_same_pack(file_pack, done.book, ["Summary", "Measures", "Crime Summary", "Checks"])


def test_regrade_rewrites_only_summary_measures_and_audit(built, demo, tmp_path):
    _, _, before, path = built
    book = load_workbook(path)
    values = book["Measure values"].tables["tblMeasureValues"]
    first_row = int(re.findall(r"\d+", values.ref)[0])
    header = [c.value for c in book["Measure values"][first_row]]
    reported = header.index("Reported grade") + 1
    quarter = header.index("Quarter") + 1
    fy = header.index("FY") + 1
    latest = max(r for r in range(first_row + 1, book["Measure values"].max_row + 1)
                 if book["Measure values"].cell(r, quarter).value)
    row = next(r for r in range(first_row + 1, latest + 1)
               if book["Measure values"].cell(r, fy).value == "2021-22"
               and book["Measure values"].cell(r, quarter).value == "Q4")
    old = book["Measure values"].cell(row, reported).value
    new = "Requires Action" if old != "Requires Action" else "Satisfactory"
    book["Measure values"].cell(row, reported).value = new
    edited = tmp_path / demo.name
    book.save(edited)
    input_only = load_workbook(demo)
    input_only["Measure values"].cell(row, reported).value = new
    input_only.save(tmp_path / "input.xlsx")
    expected = tmp_path / "expected.xlsx"
    build_pack(tmp_path / "input.xlsx", output=expected)

    result, actions, done = run(entry.regrade, edited)
    assert result is True, done.alerts
    assert len(done.alerts) == 1
    names = workbook_names(load_workbook(expected).sheetnames, entry._taken())
    regraded = [names[s] for s in entry.REGRADE_SHEETS]
    assert [a["args"][1] for a in actions if a["func"] == "addSheet"] == regraded
    assert sum(a["func"] == "sheetDelete" for a in actions) == len(regraded)
    assert done.book.sheetnames == before.book.sheetnames  # each back in its place
    assert_same_pack(expected, done.book, ["Summary", "Measures", "Audit"])
    changed = {names[s] for s in entry.REGRADE_SHEETS} | {"Issues", "Measure values"}
    for sheet in before.book.sheetnames:
        if sheet not in changed:
            assert_same_cells(cells(done.book[sheet]), cells(before.book[sheet]), sheet)
    assert cells(done.book[names["Summary"]]) != cells(before.book[names["Summary"]]) or \
        cells(done.book[names["Measures"]]) != cells(before.book[names["Measures"]])


def test_regrade_before_any_build_asks_for_a_build(demo):
    result, actions, done = run(entry.regrade, demo)
    assert result is False
    assert [a["func"] for a in actions] == ["alert"]
    assert "Build pack" in done.alerts[0]


@pytest.mark.parametrize("function", [entry.build_pack, entry.validate, entry.regrade,
                                      entry.explain])
def test_a_bad_cell_goes_to_issues_with_one_alert_and_nothing_else_changes(
        function, demo, tmp_path):
    book = load_workbook(demo)
    table = book["Crime"].tables["tblCrime"]
    first = re.findall(r"[A-Z]+\d+", table.ref)[0]
    head_row = int(re.sub(r"[A-Z]", "", first))
    header = [c.value for c in book["Crime"][head_row]]
    target = book["Crime"].cell(head_row + 3, header.index("Jun") + 1)
    target.value = "twelve"
    path = tmp_path / "bad.xlsx"
    book.save(path)
    result, actions, done = run(function, path)
    assert not result
    assert len(done.alerts) == 1 and "Issues" in done.alerts[0]
    issues = done.book["Issues"]
    rows = [[c.value for c in row] for row in issues.iter_rows(min_row=4)]
    assert rows[0] == ["Error", "not-a-number", f"Crime!{target.coordinate}",
                       '"twelve" is not a number']
    assert issues["C4"].hyperlink.location == f"Crime!{target.coordinate}"
    for i, row in enumerate(rows):  # every problem's cell is a link to it
        assert issues.cell(4 + i, 3).hyperlink.location.endswith(row[2].split("!")[1])
    issues_index = done.book.sheetnames.index("Issues")
    for action in actions:  # every write is to the Issues sheet
        assert action["sheet_position"] in (None, issues_index), action
        assert action["func"] in ("addSheet", "alert") or action["sheet_position"] is not None
    original = load_workbook(path)
    assert [s for s in done.book.sheetnames if s != "Issues"] == original.sheetnames
    for name in original.sheetnames:
        assert cells(done.book[name]) == cells(original[name]), name


def test_validate_a_valid_workbook(demo):
    result, _actions, done = run(entry.validate, demo)
    assert result is True
    assert len(done.alerts) == 1 and "valid" in done.alerts[0]
    assert done.book["Issues"]["D4"].value == "No problems found."


def test_a_second_build_replaces_the_pack(built, file_pack, demo):
    _, _, _, path = built
    result, actions, done = run(entry.build_pack, path, name=demo.name)
    assert result is True
    assert sum(a["func"] == "sheetDelete" for a in actions) == len(
        load_workbook(file_pack).sheetnames)
    assert_same_pack(file_pack, done.book, ["Cover", "Summary", "Data"])


def test_a_sheet_xlperf_did_not_write_is_never_replaced(demo, tmp_path):
    book = load_workbook(demo)
    book.create_sheet("Summary")["A1"] = "my own notes"
    path = tmp_path / "mine.xlsx"
    book.save(path)
    result, actions, done = run(entry.build_pack, path)
    assert result is False
    assert [a["func"] for a in actions] == ["alert"]
    assert "Summary" in done.alerts[0]
    assert done.book["Summary"]["A1"].value == "my own notes"


def _measure_row(book, sheet: str, table: str, measure_id: str) -> str:  # type: ignore[no-untyped-def]
    ws = book[sheet]
    ref = ws.tables[table].ref
    top = int(re.findall(r"\d+", ref)[0])
    header = [c.value for c in ws[top]]
    col = header.index("Measure ID") + 1
    for row in range(top + 1, ws.max_row + 1):
        if ws.cell(row, col).value == measure_id:
            return ws.cell(row, col + 1).coordinate  # a cell of the row, not the ID itself
    raise AssertionError(measure_id)


def test_explain_the_selected_measure(demo, built):
    from xlperf.api import load_dataset

    measure = load_dataset(demo).measures[1]
    expected = explain_measure(demo, measure.id)
    book = load_workbook(demo)
    cell = _measure_row(book, "Measures", "tblMeasures", measure.id)
    text, _actions, done = run(entry.explain, demo, selection=cell, active_sheet="Measures")
    assert text == expected
    assert done.alerts == [expected]
    # the same measure from its row on the pack's Measures sheet
    pack = built[2].book["Measures (pack)"]
    row = next(r for r in range(1, pack.max_row + 1) if pack.cell(r, 2).value == measure.label)
    text, _actions, done = run(entry.explain, built[3], selection=f"D{row}",
                               active_sheet="Measures (pack)")
    assert text == expected


def test_explain_with_no_measure_selected_only_alerts(demo):
    result, actions, done = run(entry.explain, demo, selection="B2", active_sheet="Settings")
    assert result is None
    assert [a["func"] for a in actions] == ["alert"]
    assert "select a cell" in done.alerts[0]


def test_the_book_reader_gives_the_file_readers_dataset(demo):
    from xlperf.reading.book import load_book
    from xlperf.reading.pipeline import load

    from_file = load(demo)
    from_book = load_book(xw.Book(json=replay.payload(demo)))
    assert from_book.problems.errors == from_file.problems.errors == []
    assert from_book.dataset == from_file.dataset


# -- the analyst workbook --------------------------------------------------------------
@pytest.fixture(scope="module")
def analyst(tmp_path_factory) -> Path:  # type: ignore[no-untyped-def]
    from click.testing import CliRunner

    from xlperf.cli import main

    path = tmp_path_factory.mktemp("xlsm") / "analyst.xlsm"
    result = CliRunner().invoke(main, ["workbook", "-o", str(path), "--demo"])
    assert result.exit_code == 0, result.output
    return path


def test_analyst_workbook_is_macro_enabled_and_reproducible(analyst, tmp_path):
    with zipfile.ZipFile(analyst) as package:
        types = package.read("[Content_Types].xml").decode()
        assert 'PartName="/xl/workbook.xml" ContentType="application/vnd.ms-excel.sheet.' \
               'macroEnabled.main+xml"' in types
        assert 'Extension="bin" ContentType="application/vnd.ms-office.vbaProject"' in types
        assert "vbaProject" in package.read("xl/_rels/workbook.xml.rels").decode()
        assert package.read("xl/vbaProject.bin")[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    book = load_workbook(analyst)
    assert book.sheetnames[0] == "Start" and "xlwings.conf" in book.sheetnames
    assert book.code_name == "ThisWorkbook"
    assert [ws.sheet_properties.codeName for ws in book.worksheets] == [
        f"Sheet{i}" for i in range(1, len(book.worksheets) + 1)]
    again = tmp_path / "again.xlsm"
    from xlperf.api import write_analyst_workbook

    write_analyst_workbook(again, demo=True)
    assert again.read_bytes() == analyst.read_bytes()
    with pytest.raises(Exception, match="never overwrites"):
        write_analyst_workbook(again)


def test_conf_sheet_registers_the_cell_functions(analyst):
    conf = load_workbook(analyst)["xlwings.conf"]
    settings = {}
    for row in range(1, conf.max_row + 1):  # xlwings reads A1 down to the first blank
        if conf.cell(row, 1).value is None:
            break
        settings[conf.cell(row, 1).value] = conf.cell(row, 2).value
    assert settings["Interpreter_Win"].endswith("pythonw.exe")
    module = __import__(settings["UDF Modules"], fromlist=["_"])
    # xw.func registers a function only on Windows (elsewhere it is a no-op): read the source
    registered = re.findall(r"^@xw\.func\b.*\n(?:@xw\.arg\b.*\n)*def (\w+)\(",
                            inspect.getsource(module), re.MULTILINE)
    public = [name for name, _ in inspect.getmembers(module, inspect.isfunction)
              if name.startswith("XLPERF_")]
    assert sorted(registered) == sorted(public) and len(public) >= 5
    assert module.XLPERF_GRADE(79, "CT-SURVEY-V-BASELINE") == "Requires Action"


def test_every_button_runs_a_macro_that_exists_and_every_runpython_call_a_real_function(
        analyst):
    from oletools.olevba import VBA_Parser

    parser = VBA_Parser(str(analyst))
    modules = {name.rsplit(".", 1)[0]: code for _, _, name, code in parser.extract_macros()}
    parser.close()
    assert {"xlwings", "xlperf", "Dictionary", "ThisWorkbook"} <= set(modules)
    subs = {m.group(1) for code in modules.values()
            for m in re.finditer(r"^(?:Public |Private )?Sub (\w+)\(", code, re.MULTILINE)}
    with zipfile.ZipFile(analyst) as package:
        vml = "".join(package.read(n).decode() for n in package.namelist()
                      if n.endswith(".vml"))
    buttons = BUTTON_MACRO.findall(vml)
    assert buttons == [b.macro for b in xlsm.load_spec().buttons]
    assert set(buttons) <= subs
    calls = RUN_PYTHON.findall(modules["xlperf"])
    assert len(calls) == modules["xlperf"].count("RunPython") >= 4
    for module_name, _alias, function, arguments in calls:
        module = __import__(module_name, fromlist=["_"])
        target = getattr(module, function)
        assert arguments == ""  # called from Excel with no argument: the book is the caller
        inspect.signature(target).bind()
    for button in buttons:
        body = re.search(rf"Sub {button}\(\)(.*?)End Sub", "\n".join(modules.values()), re.S)
        assert body is not None, button


def test_the_xlwings_module_is_the_installed_xlwings(analyst):
    from oletools.olevba import VBA_Parser

    parser = VBA_Parser(str(analyst))
    code = {name: code for _, _, name, code in parser.extract_macros()}["xlwings.bas"]
    parser.close()
    shipped = Path(xw.__file__).with_name("xlwings.bas").read_text("cp1252")
    assert code.replace("\r\n", "\n").strip() == shipped.replace("\r\n", "\n").strip()
    assert f"XLWINGS_VERSION As String = \"{xw.__version__}\"" in code


def test_vba_streams_round_trip_through_oletools():
    from oletools.olevba import decompress_stream

    text = Path(xw.__file__).with_name("xlwings.bas").read_bytes()
    noise = bytes((i * 7919 + i // 13) % 256 for i in range(10_000))
    for data in (b"", b"a", text, noise, text[:4096], text[:4097]):
        packed = vba.compress(data)
        assert bytes(decompress_stream(bytearray(packed))) == data
        assert vba.decompress(packed) == data
    assert len(vba.compress(text)) < len(text) / 2


def test_compound_file_round_trips_through_olefile():
    import olefile

    from xlperf.writers.cfb import compound_file

    streams = {"PROJECT": b"x" * 10, "VBA/dir": bytes(range(256)) * 20,  # mini and regular
               "VBA/Module1": b"\0" * 4096, "VBA/A": b"a" * 4095, "VBA/B/C": b"c" * 70_000}
    ole = olefile.OleFileIO(io.BytesIO(compound_file(streams)))
    assert sorted("/".join(e) for e in ole.listdir()) == sorted(streams)
    for path, data in streams.items():
        assert ole.openstream(path).read() == data
    assert compound_file(streams) == compound_file(dict(reversed(streams.items())))


def test_project_protection_fields_read_as_office_writes_them():
    """The xlwings quickstart was saved by Office: its CMG/DPB/GC decrypt to 'unprotected,
    no password, visible', the values xlperf encrypts."""
    import olefile

    with zipfile.ZipFile(Path(xw.__file__).with_name("quickstart.xlsm")) as package:
        ole = olefile.OleFileIO(io.BytesIO(package.read("xl/vbaProject.bin")))
    project = ole.openstream("PROJECT").read().decode("cp1252")
    fields = dict(re.findall(r'^(\w+)="([^"]*)"', project, re.MULTILINE))
    assert vba.decrypt(fields["CMG"]) == b"\0\0\0\0"
    assert vba.decrypt(fields["DPB"]) == b"\0"
    assert vba.decrypt(fields["GC"]) == b"\xff"
    for data in (b"\0\0\0\0", b"\0", b"\xff"):
        assert vba.decrypt(vba.encrypt(data, fields["ID"])) == data


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_libreoffice_loads_the_vba_project_and_binds_every_button(analyst, tmp_path):
    subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/lo",
                    "--convert-to", "ods", "--outdir", str(tmp_path), str(analyst)],
                   check=True, capture_output=True, timeout=300)
    with zipfile.ZipFile(tmp_path / "analyst.ods") as ods:
        names = ods.namelist()
        content = ods.read("content.xml").decode()
        module = ods.read("Basic/VBAProject/xlperf.xml").decode()
    assert {"Basic/VBAProject/xlwings.xml", "Basic/VBAProject/Dictionary.xml"} <= set(names)
    assert "Sub BuildPack()" in module
    bound = re.findall(r'vnd\.sun\.star\.script:VBAProject\.(\w+)\.(\w+)\?language=Basic',
                       content)
    assert [macro for _, macro in bound] == [b.macro for b in xlsm.load_spec().buttons]
    assert {module for module, _ in bound} == {"xlperf", "xlwings"}
