"""The xlperf add-in (.xlam): its package against xlwings' own ribbon add-in, its ribbon
callbacks read back with oletools, its RunPython calls against xlperf.excel.entry, and its
VBA (and the .xlsm's) loaded by LibreOffice headless."""

from __future__ import annotations

import importlib.metadata
import importlib.util
import inspect
import io
import os
import re
import shutil
import signal
import subprocess
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import pytest
from click.testing import CliRunner

from xlperf.cli import main
from xlperf.writers import xlam, xlsm

# xlwings is located, not imported, here: importing it before tests/test_excel.py sets its
# licence variable would leave that file without xlwings' remote engine.
XLWINGS = Path(str(importlib.util.find_spec("xlwings").origin)).parent  # type: ignore[union-attr]
XLWINGS_VERSION = importlib.metadata.version("xlwings")
#: xlwings' own ribbon add-in (saved by Excel): the oracle for the package's structure.
REFERENCE = XLWINGS / "quickstart_addin_ribbon.xlam"
RELS_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
RUN_PYTHON = re.compile(r'RunPython\s+"import ([\w.]+) as (\w+); \2\.(\w+)\((.*?)\)"')
CALLBACK = re.compile(r"^\s*(?:Public\s+)?Sub\s+(\w+)\s*\(\s*control\s+As\s+IRibbonControl\s*\)"
                      r"\s*$", re.MULTILINE | re.IGNORECASE)
ANY_SUB = re.compile(r"^\s*(?:Public\s+|Private\s+)?Sub\s+(\w+)\s*\((.*)\)", re.MULTILINE)
SOURCES = Path(xlam.__file__).resolve().parent.parent / "assets" / "macros" / "addin"
OFFICE_LIB = re.compile(rb"\*\\G(\{[0-9A-F-]+\})#2\.0#0#[^#]*MSO\.DLL#Microsoft Office")


@pytest.fixture(scope="module")
def addin(tmp_path_factory) -> Path:  # type: ignore[no-untyped-def]
    path = tmp_path_factory.mktemp("xlam") / "xlperf.xlam"
    result = CliRunner().invoke(main, ["addin", "-o", str(path)])
    assert result.exit_code == 0, result.output
    return path


def rels(package: zipfile.ZipFile, name: str = "_rels/.rels") -> dict[str, str]:
    """Target -> relationship type of a relationships part."""
    root = ElementTree.fromstring(package.read(name))
    return {r.attrib["Target"]: r.attrib["Type"] for r in root.iter(f"{RELS_NS}Relationship")}


def olevba_modules(path: Path) -> dict[str, str]:
    """Module name -> source, as oletools reads them out of vbaProject.bin."""
    from oletools.olevba import VBA_Parser

    parser = VBA_Parser(str(path))
    try:
        return {name.rsplit(".", 1)[0]: code.replace("\r\n", "\n")
                for _, _, name, code in parser.extract_macros()}
    finally:
        parser.close()


def test_the_addin_is_an_excel_addin_and_reproducible(addin, tmp_path):
    with zipfile.ZipFile(addin) as package, zipfile.ZipFile(REFERENCE) as reference:
        types = package.read("[Content_Types].xml").decode()
        # the same content types as xlwings' add-in, which Excel saved
        main_type = re.search(r'PartName="/xl/workbook.xml" ContentType="([^"]+)"', types)
        wanted = re.search(r'PartName="/xl/workbook.xml" ContentType="([^"]+)"',
                           reference.read("[Content_Types].xml").decode())
        assert main_type and wanted and main_type.group(1) == wanted.group(1) \
            == "application/vnd.ms-excel.addin.macroEnabled.main+xml"
        assert "application/vnd.ms-office.vbaProject" in types
        book_rels = rels(package, "xl/_rels/workbook.xml.rels")
        assert book_rels["vbaProject.bin"] == rels(
            reference, "xl/_rels/workbook.xml.rels")["vbaProject.bin"]
        assert package.read("xl/vbaProject.bin")[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    again = tmp_path / "again.xlam"
    xlam.write_addin(again)
    assert again.read_bytes() == addin.read_bytes()
    xlam.write_addin(again)  # its own add-in is replaced
    foreign = tmp_path / "other.xlam"
    shutil.copyfile(REFERENCE, foreign)
    result = CliRunner().invoke(main, ["addin", "-o", str(foreign)])
    assert result.exit_code == 1 and "is not xlperf's add-in" in result.output
    assert foreign.read_bytes() == REFERENCE.read_bytes()
    result = CliRunner().invoke(main, ["addin", "-o", str(tmp_path / "x.xlsm")])
    assert result.exit_code == 1 and "name it .xlam" in result.output


def test_the_ribbon_part_is_where_xlwings_add_in_has_it(addin):
    """Same relationship type (the one Office 2010+ reads customUI by) and part folder as
    xlwings' ribbon add-in; a customUI14 document with the tab, group, button nesting."""
    with zipfile.ZipFile(addin) as package, zipfile.ZipFile(REFERENCE) as reference:
        ours = {t: k for t, k in rels(package).items() if t.startswith("customUI/")}
        theirs = {t: k for t, k in rels(reference).items() if t.startswith("customUI/")}
        assert len(ours) == len(theirs) == 1
        (target, rel_type), (their_target, their_type) = *ours.items(), *theirs.items()
        assert rel_type == their_type == xlam.RIBBON_REL
        assert target.rsplit("/", 1)[0] == their_target.rsplit("/", 1)[0] == "customUI"
        assert target == "customUI/customUI14.xml"  # the name Office gives a customUI14 part
        assert target in package.namelist()
        ours_xml = ElementTree.fromstring(package.read(target))
        theirs_xml = ElementTree.fromstring(reference.read(their_target))

    def button_paths(root: ElementTree.Element) -> set[tuple[str, ...]]:
        paths = set()

        def walk(element: ElementTree.Element, path: tuple[str, ...]) -> None:
            here = (*path, element.tag.split("}")[1])
            if here[-1] == "button":
                paths.add(here)
            for child in element:
                walk(child, here)

        walk(root, ())
        return paths

    assert ours_xml.tag == f"{{{xlam.CUSTOMUI14}}}customUI"
    assert button_paths(ours_xml) == button_paths(theirs_xml) == {
        ("customUI", "ribbon", "tabs", "tab", "group", "button")}
    tab = ours_xml.find(f".//{{{xlam.CUSTOMUI14}}}tab")
    assert tab is not None and tab.attrib == {"id": xlam.TAB_ID, "label": "xlperf"}
    buttons = list(ours_xml.iter(f"{{{xlam.CUSTOMUI14}}}button"))
    assert sorted(b.attrib["label"] for b in buttons) == sorted(
        ["Validate", "Build pack", "Re-grade", "Explain", "Export PDF", "Add input sheets",
         "Settings"])
    assert len({b.attrib["id"] for b in buttons}) == len(buttons)
    assert all(b.attrib["onAction"] for b in buttons)


def test_every_on_action_is_a_ribbon_callback_in_the_text_and_in_vbaproject(addin):
    with zipfile.ZipFile(addin) as package:
        actions = xlam.ribbon_actions(package.read(xlam.RIBBON_PART).decode())
    assert len(actions) == 7
    text = {path.stem: path.read_text("cp1252") for path in SOURCES.glob("*.bas")}
    text_modules = {re.search(r'VB_Name = "(\w+)"', code).group(1): code  # type: ignore[union-attr]
                    for code in text.values()}
    stored = olevba_modules(addin)
    for action in actions:
        module, sub = action.split(".")
        for modules in (text_modules, stored):
            code = modules[module]
            assert sub in CALLBACK.findall(code), (action, "callback signature")
            # exactly one Sub of that name, and it is the callback
            assert [name for name, _ in ANY_SUB.findall(code)].count(sub) == 1
    # and nothing else in the ribbon module has that signature without a button
    callbacks = set(CALLBACK.findall(stored["xlperfRibbon"]))
    assert {a.split(".")[1] for a in actions} == callbacks


def test_every_button_runs_a_function_of_xlperf_excel_entry(addin):
    code = olevba_modules(addin)["xlperfRibbon"]
    calls = RUN_PYTHON.findall(code)
    statements = "\n".join(line for line in code.splitlines()
                           if not line.lstrip().startswith("'"))  # comments may name it
    assert len(calls) == statements.count("RunPython") == 7
    wanted = {"validate", "build_pack", "regrade", "explain", "export_pdf",
              "add_input_sheets", "settings"}
    assert {function for _, _, function, _ in calls} == wanted
    for callback, (module_name, _alias, function, arguments) in zip(
            CALLBACK.findall(code), calls, strict=True):
        module = __import__(module_name, fromlist=["_"])
        assert module_name == "xlperf.excel.entry"
        target = getattr(module, function, None)
        assert callable(target), f"{callback}: xlperf.excel.entry has no {function}()"
        assert arguments == ""  # the book is xlwings' Book.caller(): the active workbook
        inspect.signature(target).bind()


def test_run_python_is_xlwings_custom_add_in_module_reading_xlperfs_own_settings(addin):
    stored = olevba_modules(addin)
    shipped = (XLWINGS / "xlwings_custom_addin.bas").read_text("cp1252").replace("\r\n", "\n")
    expected = shipped.replace('PROJECT_NAME As String = "myaddin"',
                               'PROJECT_NAME As String = "xlperf"')
    assert expected != shipped
    assert stored["xlwings"].strip() == expected.strip()
    assert f"xlwings64-{XLWINGS_VERSION}.dll" in stored["xlwings"]
    assert f'XLWINGS_VERSION As String = "{XLWINGS_VERSION}"' in stored["xlwings"]
    # the settings file the add-in reads is <PROJECT_NAME>.conf: xlperf's, not xlwings.conf
    assert 'PROJECT_NAME & ".conf"' in stored["xlwings"]
    assert {"ThisWorkbook", "Sheet1", "xlwings", "Dictionary", "xlperfRibbon"} == set(stored)


def test_the_vba_project_references_the_office_library_as_xlwings_ribbon_add_in_does(addin):
    """IRibbonControl is in the Office object library: without the reference the callbacks
    do not compile. The GUID is read from xlwings' add-in, which Excel saved."""
    import olefile
    from oletools.olevba import decompress_stream

    def dir_stream(path: Path) -> bytes:
        with zipfile.ZipFile(path) as package:
            ole = olefile.OleFileIO(io.BytesIO(package.read("xl/vbaProject.bin")))
        return bytes(decompress_stream(bytearray(ole.openstream("VBA/dir").read())))

    theirs = OFFICE_LIB.findall(dir_stream(REFERENCE))
    assert theirs and OFFICE_LIB.findall(dir_stream(addin)) == theirs[:1]


def test_a_ribbon_action_without_its_callback_is_refused(tmp_path):
    for path in SOURCES.iterdir():
        shutil.copy(path, tmp_path / path.name)
    xml = (tmp_path / "customUI14.xml").read_text("utf-8")
    (tmp_path / "customUI14.xml").write_text(
        xml.replace('onAction="xlperfRibbon.Regrade"', 'onAction="xlperfRibbon.Regrad"'),
        "utf-8")
    with pytest.raises(Exception, match="Regrad' is not a 'Sub Name"):
        xlam.build_addin(tmp_path)
    bas = (tmp_path / "xlperf_ribbon.bas").read_text("cp1252")
    (tmp_path / "customUI14.xml").write_text(xml, "utf-8")
    (tmp_path / "xlperf_ribbon.bas").write_text(
        bas.replace("Sub Regrade(control As IRibbonControl)", "Sub Regrade()"), "cp1252")
    with pytest.raises(Exception, match="Regrade' is not a 'Sub Name"):
        xlam.build_addin(tmp_path)


# -- LibreOffice ---------------------------------------------------------------------------------
LISTER = Path(__file__).parent / "libreoffice" / "ListModules.xba"


def soffice(profile: Path, *args: str) -> None:
    """Run LibreOffice headless in its own process group, killed whole on a timeout."""
    process = subprocess.Popen(
        ["soffice", "--headless", f"-env:UserInstallation={profile.as_uri()}", *args],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    try:
        process.communicate(timeout=300)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        raise


@pytest.fixture(scope="module")
def lister(tmp_path_factory) -> Path:  # type: ignore[no-untyped-def]
    """A LibreOffice profile whose Standard library holds tests/libreoffice/ListModules.xba."""
    profile = tmp_path_factory.mktemp("lo") / "profile"
    soffice(profile, "--terminate_after_init")
    standard = profile / "user" / "basic" / "Standard"
    shutil.copyfile(LISTER, standard / "Lister.xba")
    index = standard / "script.xlb"
    text = index.read_text("utf-8")
    index.write_text(text.replace("</library:library>",
                                  ' <library:element library:name="Lister"/>\n</library:library>'),
                     "utf-8")
    return profile


def loaded_modules(profile: Path, document: Path, out: Path) -> dict[str, str]:
    """Library.module -> source of every Basic module LibreOffice loaded from the document's
    VBA project (its macro ListModules writes them)."""
    soffice(profile, f'macro:///Standard.Lister.ListModules("{out}","{document}",'
                     '"Calc MS Excel 2007 VBA XML")')
    listing = out.read_text("utf-8").splitlines()
    assert listing[:2] == ["START", "LOADED"], listing
    modules = {}
    for line in listing[2:]:
        _, library, module = line.split(" ")
        source = Path(f"{out}.{library}.{module}").read_text("utf-8", errors="replace")
        modules[f"{library}.{module}"] = source
    return modules


def code_lines(text: str) -> list[str]:
    """Non-blank lines; VBA's Attribute lines go (LibreOffice drops them)."""
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").split("\n")]
    return [line for line in lines if line and not line.startswith("Attribute ")]


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
@pytest.mark.parametrize("kind", ["xlam", "xlsm"])
def test_libreoffice_loads_every_vba_module(kind, addin, lister, tmp_path):
    if kind == "xlam":
        document, project = addin, xlam.VBA_PROJECT_NAME
        expected = {m.name: m for m in xlam.addin_modules()}
    else:
        document = tmp_path / "analyst.xlsm"
        document.write_bytes(xlsm.build_workbook())
        project = "VBAProject"
        expected = {m.name: m for m in xlsm.vba_modules(_sheet_count(document))}
    modules = loaded_modules(lister, document, tmp_path / "out")
    assert set(modules) == {f"{project}.{name}" for name in expected}
    for name, module in expected.items():
        loaded = code_lines(modules[f"{project}.{name}"])
        # LibreOffice puts lines of its own first: the module type, Option VBASupport and,
        # in a class, Option ClassModule
        header = [f"Rem Attribute VBA_ModuleType=VBA{_lo_kind(module.kind)}",
                  "Option VBASupport 1"] + ["Option ClassModule"] * (module.kind == "class")
        assert loaded[:len(header)] == header, name
        assert loaded[len(header):] == code_lines(module.code), name


def _sheet_count(path: Path) -> int:
    from openpyxl import load_workbook

    return len(load_workbook(path, read_only=True).sheetnames)


def _lo_kind(kind: str) -> str:
    return {"standard": "Module", "class": "ClassModule", "document": "DocumentModule"}[kind]
