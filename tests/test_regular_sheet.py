"""The one-go sheet scan (xlperf.reading.regular_sheet) finds exactly what the streaming scan
finds, wherever it answers: on random edits of the demo's sheets (error values, hidden rows,
merges, prefixes, comments, references, quotes, nesting...), which it must either read the
same or leave alone. The same comparison over every sheet of every hostile input is in
test_catalogue.py, which builds the catalogue once."""

from __future__ import annotations

import io
import random
import zipfile
from pathlib import Path

import bad_inputs
import pytest

from xlperf.reading.regular_sheet import fast_scan
from xlperf.reading.xlsx import SheetScan, _SheetScanner

MAIN = b'"http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
EDITS = [
    (b'<c r="', b'<c t="e" r="'), (b't="n"', b't="e"'), (b't="n"', b"t = 'e'"),
    (b"<v>", b"<v></v><v>"), (b"<v>", b"<v/><v>"), (b"<v>", b"<v> </v><v>"),
    (b'<row r="', b'<row hidden="1" r="'), (b'<row r="5"', b'<row r="5" hidden="1"'),
    (b'<row r="5"', b'<row r="5" hidden="true"/><row r="6"'), (b'<row r="5"', b"<row r='5'"),
    (b'<c r="B', b'<c  r="B'), (b'<c r="', b'<c s="1" r="'), (b'<c r="', b'<c\tr="'),
    (b"</sheetData>", b'</sheetData><mergeCells><mergeCell ref="A1:B2"/></mergeCells>'),
    (b"</sheetData>", b"</sheetData><mergeCells><mergeCell ref='C3:D4'></mergeCell>"
                      b"</mergeCells>"),
    (b"<sheetData>", b"<sheetData><!-- x -->"), (b"<v>", b"<v>&#49;"), (b"</v>", b"&amp;</v>"),
    (b"<v>", b"<v>a &gt; b"), (b"<v>", b"<v>a > b"), (b"<is>", b"<is><v>1</v>"),
    (b"<f>", b"<f/><v>1</v><f>"), (b'<c r="C', b'<c r="D'), (b'<row r="1"', b'<row r="01"'),
    (b"<v>", b"<x:v xmlns:x=" + MAIN + b">1</x:v><v>"), (b"<v>", b"text<v>"),
    (b"<sheetData>", b'<sheetData xmlns="urn:other">'), (b"<sheetData>", b"<sheetData xmlns=\"\">"),
    (b"</row>", b'<c r="Z1"><v>1</v></c></row>'),
    (b"</worksheet>", b'<c r="A1"><v>1</v></c></worksheet>'),
    (b"</worksheet>", b'<row r="9"/></worksheet>'), (b"<v>", b"<v>\r\n"),
    (b"<f>", b'<f t="shared" ref="A1:A2" si="0">'), (b"<f>", b'<f t="shared" si="0"/><f>'),
    (b"</c>", b"</c >"), (b"<row ", b"<row  "),
    (b"<is>", b'<is><r><rPr><family val="2"/><vertAlign val="x"/></rPr><t>a</t></r>'),
    (b'<row r="2"', b'<row r="1048576"'), (b'<c r="B2"', b'<c r="XFD2"'),
    (b"<worksheet ", b"<x:worksheet xmlns:x=" + MAIN + b" "), (b'"', b"'"),
    (b"<v>", b'<v xml:space="preserve">'), (b'<c r="B1"', b'<c r="B1" t="&#101;"'),
    (b'<c r="B', b'<c foo="a>b" r="B'), (b"<row ", b'<row foo="x r=\'7\'" '),
    (b"</sheetData>", b"<row/></sheetData>"), (b"<sheetData>", b"<sheetData/><sheetData>"),
    (b"<is>", b"<is><is>"), (b"</c>", b"<c/></c>"), (b"<v>", b"<f>1</f><v>"),
]


def streamed(data: bytes) -> SheetScan | None:
    """The streaming scan of ``data`` (None when expat refuses it)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("sheet.xml", data)
    with zipfile.ZipFile(buffer) as archive:
        try:
            return _SheetScanner().run(archive, "sheet.xml")
        except Exception:  # noqa: BLE001 - not well-formed, or a DTD: parsed before fast_scan
            return None


def sheets(path: Path) -> list[bytes]:
    try:
        with zipfile.ZipFile(path) as archive:
            return [archive.read(name) for name in archive.namelist()
                    if name.startswith("xl/worksheets/") and name.endswith(".xml")]
    except (zipfile.BadZipFile, OSError):
        return []


def agree(data: bytes) -> bool | None:
    """True when both scans agree, None when fast_scan leaves ``data`` to the streaming one
    (or expat refuses it); False on a difference."""
    slow = streamed(data)
    if slow is None:
        return None
    fast = fast_scan(data)
    if fast is None:
        return None
    return vars(fast) == vars(slow)


@pytest.mark.parametrize("seed", range(4))
def test_both_scans_agree_on_edited_demo_sheets(seed: int) -> None:
    rng = random.Random(seed)
    demo = sheets(bad_inputs.DEMO)
    assert all(fast_scan(data) is not None for data in demo)
    outcomes = []
    for _ in range(150):
        data = rng.choice(demo)
        for _ in range(rng.randint(1, 3)):
            old, new = rng.choice(EDITS)
            places: list[int] = []  # the first 40 places where ``old`` starts
            at = data.find(old)
            while at != -1 and len(places) < 40:
                places.append(at)
                at = data.find(old, at + 1)
            if places:
                at = rng.choice(places)
                data = data[:at] + new + data[at + len(old):]
        outcomes.append(agree(data))
    assert False not in outcomes
    assert True in outcomes and None in outcomes


#: edits that reach the shortcuts of fast_scan: '<?' and '<!' found from '?' and '!', a
#: row's or cell's '&' told apart from the layout, the plain inline string, a <mergeCell>
#: or sheetData inside one, the used range's rows from the first and last valued cells
SHORTCUT_EDITS = [
    (b"<t>", b"<t>?!"), (b"<t>", b"<t>" + b"?" * 70), (b"<t>", b"<t>" + b"!" * 70),
    (b"</worksheet>", b"<?pi x?></worksheet>"), (b"<v>", b"<v>!</v><!-- x --><v>"),
    (b' s="', b' x="&amp;" s="'), (b'<row r="5"', b'<row r="5" x="&#49;"'),
    (b"<t>", b"<t>&amp;"), (b"<t>", b'<t x="&amp;">'), (b"</v>", b"&lt;</v>"),
    (b"<t>", b'<t xml:space="preserve">'), (b"</t>", b"</t >"), (b"<t>", b"<t/><t>"),
    (b"<is>", b'<is><mergeCell ref="A1:B2"/>'), (b"<is>", b"<is><sheetData/>"),
    (b"</sheetData>", b"</sheetData><sheetData/>"), (b"<is>", b"<is><sheetData></sheetData>"),
    (b't="n"', b"t='e'"), (b't="n"', b't=" e"'), (b'<row r="5"', b'<row r="5" t="e"'),
    (b"</sheetData>", b'<row r="1"><c r="A1"><v>1</v></c></row></sheetData>'),
    (b"</sheetData>", b'<row r="3"><c r="ZZ3"><v>1</v></c></row></sheetData>'),
    (b"</sheetData>", b'<row r="9999"><c r="Z9999"/></row></sheetData>'),
    (b"</sheetData>", b'<row r="9999"><c r="Z9999"><f>1</f></c></row></sheetData>'),
    (b"</sheetData>", b"".join(b'<row r="%d"><c r="C%d"/></row>' % (n, n)
                               for n in range(2000, 2012)) + b"</sheetData>"),
    (b"</sheetData>", b'<row r="2000"><c r="Q2000"><is><t>x</t></is></c></row></sheetData>'),
    (b"<v>", b"<v/><v>"), (b"</c>", b"<f/></c>"), (b"<t>", b"<t>'e'"),
    (b"<t>", b"<t>" + b"'" * 70 + b"'e'"), (b"<t>", b"<t>" + b"'" * 70),
]


@pytest.mark.parametrize("seed", range(4))
def test_both_scans_agree_through_the_shortcuts(seed: int) -> None:
    rng = random.Random(seed)
    demo = sheets(bad_inputs.DEMO)
    outcomes = []
    for _ in range(150):
        data = rng.choice(demo)
        for _ in range(rng.randint(1, 3)):
            old, new = rng.choice(SHORTCUT_EDITS + EDITS[:8])
            at = data.find(old)
            if rng.random() < 0.5:
                at = data.rfind(old)
            if at != -1:
                data = data[:at] + new + data[at + len(old):]
        outcomes.append(agree(data))
    assert False not in outcomes
    assert True in outcomes and None in outcomes


@pytest.mark.parametrize(("old", "new"), SHORTCUT_EDITS)
def test_each_shortcut_edit_reads_as_streamed(old: bytes, new: bytes) -> None:
    """Each edit at its first and its last place in every demo sheet that has it: the two
    scans agree wherever the fast one answers."""
    for data in sheets(bad_inputs.DEMO):
        for at in {data.find(old), data.rfind(old)} - {-1}:
            assert agree(data[:at] + new + data[at + len(old):]) is not False
