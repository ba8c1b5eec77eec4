"""Build the xlperf add-in (``.xlam``): an "xlperf" ribbon tab acting on the active workbook,
from text sources.

The ribbon is ``xlperf/assets/macros/addin/customUI14.xml``; its buttons' callbacks are the
Subs of ``xlperf/assets/macros/addin/*.bas``. ``RunPython`` comes from the custom add-in
module shipped with the installed xlwings (``xlwings_custom_addin.bas``, checked to be of
that version), with its ``PROJECT_NAME`` set to "xlperf": the add-in then reads its
settings (which Python runs) from xlperf's own file, never from the user's xlwings.conf
(:mod:`xlperf.excel.install` writes it). The package is completed as the analyst
workbook's is (:class:`xlperf.writers.xlsm.Package`): the VBA project, the add-in content
type, and the customUI part with the relationship type Office 2010+ reads customUI14 by.
Same sources, same bytes.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from xml.etree import ElementTree

from openpyxl import Workbook
from openpyxl.styles import Font

from .. import __version__
from ..problems import XlperfError
from .atomic import check_output_path, workbook_bytes, write_bytes_atomically
from .vba import OFFICE, STDOLE, WORKBOOK_BASE, WORKSHEET_BASE, Module, parse_module, vba_project
from .xlsm import Package, macros_dir, xlwings_dictionary_text, xlwings_vba_text

ADDIN_CONTENT_TYPE = "application/vnd.ms-excel.addin.macroEnabled.main+xml"
#: The relationship from the package to a customUI14 part (Office 2010 and later).
RIBBON_REL = "http://schemas.microsoft.com/office/2007/relationships/ui/extensibility"
RIBBON_PART = "customUI/customUI14.xml"
CUSTOMUI14 = "http://schemas.microsoft.com/office/2009/07/customui"
#: xlwings' PROJECT_NAME: the settings file is <name>.conf, a settings sheet <name>.conf.
PROJECT_NAME = "xlperf"
VBA_PROJECT_NAME = "xlperfAddin"
#: The id of the ribbon tab: an add-in whose customUI has it is xlperf's.
TAB_ID = "xlperfTab"
ADDIN_FILE = "xlperf.xlam"
_PROJECT_NAME_LINE = re.compile(
    r'^(Public Const PROJECT_NAME As String = )"myaddin"(?=[ \t\r]*$)', re.MULTILINE)


def addin_dir() -> Path:
    """The add-in's sources: the ribbon XML and the VBA of its callbacks."""
    here = macros_dir() / "addin"
    if not (here / "customUI14.xml").exists():
        raise XlperfError(f"{here}: the add-in's sources are missing from the installed package")
    return here


def ribbon_xml(folder: Path | None = None) -> str:
    return ((folder or addin_dir()) / "customUI14.xml").read_text(encoding="utf-8")


def ribbon_actions(xml: str) -> list[str]:
    """The ``onAction`` of every control of a customUI14 document, in document order."""
    root = ElementTree.fromstring(xml)
    if root.tag != f"{{{CUSTOMUI14}}}customUI":
        raise XlperfError(f"{RIBBON_PART}: the root is not a customUI14 <customUI> element")
    return [element.attrib["onAction"] for element in root.iter()
            if "onAction" in element.attrib]


def custom_addin_module_text() -> str:
    """xlwings' custom add-in module (``RunPython`` for an add-in) with PROJECT_NAME xlperf."""
    text = xlwings_vba_text("xlwings_custom_addin.bas")
    text, count = _PROJECT_NAME_LINE.subn(rf'\g<1>"{PROJECT_NAME}"', text)
    if count != 1:
        raise XlperfError("xlwings_custom_addin.bas: no 'Public Const PROJECT_NAME As String = "
                          '"myaddin"\' line to set; this xlwings version is not supported')
    return text


def addin_modules(folder: Path | None = None) -> list[Module]:
    """ThisWorkbook, Sheet1, xlwings (custom add-in), Dictionary and the ribbon's modules."""
    folder = folder or addin_dir()
    modules = [Module("ThisWorkbook", "document", base=WORKBOOK_BASE),
               Module("Sheet1", "document", base=WORKSHEET_BASE),
               parse_module(custom_addin_module_text()),
               parse_module(xlwings_dictionary_text(), "class")]
    for path in sorted(folder.glob("*.bas")):
        modules.append(parse_module(path.read_text(encoding="cp1252")))
    return modules


def callback_subs(modules: list[Module]) -> set[str]:
    """``Module.Sub`` of every Sub with exactly the ribbon-callback signature."""
    pattern = re.compile(r"^\s*(?:Public\s+)?Sub\s+(\w+)\s*\(\s*control\s+As\s+IRibbonControl"
                         r"\s*\)\s*$", re.MULTILINE | re.IGNORECASE)
    return {f"{m.name}.{name}" for m in modules for name in pattern.findall(m.code)}


def _about_sheet(book: Workbook) -> None:
    sheet = book.active
    sheet.title = "xlperf"
    lines = [
        (f"xlperf {__version__} add-in", Font(bold=True, size=14)),
        ("The xlperf ribbon tab acts on the active workbook: Validate, Add input sheets, "
         "Build pack, Re-grade, Explain, Export PDF, Settings.", None),
        ("Installed by 'xlperf excel install', which also records the Python that runs it; "
         "removed by 'xlperf excel uninstall'.", None),
    ]
    for row, (text, font) in enumerate(lines, start=1):
        cell = sheet.cell(row, 1, text)
        if font is not None:
            cell.font = font
    sheet.column_dimensions["A"].width = 100


def build_addin(folder: Path | None = None) -> bytes:
    """The add-in as bytes."""
    folder = folder or addin_dir()
    xml = ribbon_xml(folder)
    modules = addin_modules(folder)
    callbacks = callback_subs(modules)
    for action in ribbon_actions(xml):
        if action not in callbacks:
            raise XlperfError(f"{folder / 'customUI14.xml'}: onAction {action!r} is not a "
                              "'Sub Name(control As IRibbonControl)' of the add-in's VBA")
    book = Workbook()
    _about_sheet(book)
    book.code_name = "ThisWorkbook"
    book.worksheets[0].sheet_properties.codeName = "Sheet1"
    parts = Package(workbook_bytes(book))
    parts.make_macro_enabled(ADDIN_CONTENT_TYPE,
                             vba_project(modules, VBA_PROJECT_NAME, (STDOLE, OFFICE)))
    parts.put(RIBBON_PART, xml)
    parts.add_relationship("_rels/.rels", RIBBON_REL, RIBBON_PART)
    return parts.to_bytes()


def is_xlperf_addin(path: Path) -> bool:
    """Whether ``path`` is an add-in xlperf wrote (its ribbon has xlperf's tab)."""
    try:
        with zipfile.ZipFile(path) as package:
            xml = package.read(RIBBON_PART).decode("utf-8")
    except (OSError, KeyError, zipfile.BadZipFile, UnicodeDecodeError):
        return False
    return f'id="{TAB_ID}"' in xml


def write_addin(output: Path) -> Path:
    """Write the add-in to ``output`` (``.xlam``), atomically; replaces only an add-in of
    xlperf's."""
    output = Path(output)
    if output.suffix.lower() != ".xlam":
        raise XlperfError(f"{output}: the add-in holds macros and a ribbon; name it .xlam")
    if output.exists() and not is_xlperf_addin(output):
        raise XlperfError(f"{output}: already exists and is not xlperf's add-in; xlperf never "
                          "overwrites it")
    check_output_path(output)
    return write_bytes_atomically(build_addin(), output)
