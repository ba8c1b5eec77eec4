"""Build the analyst workbook (``.xlsm``): the input sheets, a Start sheet with buttons, an
``xlwings.conf`` sheet and a VBA project, all from text sources.

The input sheets come from :func:`xlperf.writers.input_workbook.build_input_workbook`; the
Start sheet, the buttons and the conf sheet from ``xlperf/assets/macros/workbook.yaml``; the
VBA from ``xlperf/assets/macros/*.bas`` and the xlwings module shipped with the installed
xlwings package (its ``RunPython`` must match the Python side's version). openpyxl writes
the workbook; the package is then completed here (:class:`Package`, which the add-in's
build shares): ``xl/vbaProject.bin`` (:mod:`xlperf.writers.vba`), the buttons as form
controls (a VML drawing, each with its macro), sheet code names and the macro-enabled
content type. Same sources, same bytes.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any
from xml.sax.saxutils import escape

import yaml
from openpyxl.styles import Alignment, Font

from ..assets import asset_path
from ..problems import XlperfError
from ..schema import load_schema
from .atomic import check_output_path, normalise_package, workbook_bytes, write_bytes_atomically
from .input_workbook import build_input_workbook
from .vba import WORKBOOK_BASE, WORKSHEET_BASE, Module, parse_module, vba_project

MACRO_CONTENT_TYPE = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
VBA_CONTENT_TYPE = "application/vnd.ms-office.vbaProject"
VML_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.vmlDrawing"
VBA_REL = "http://schemas.microsoft.com/office/2006/relationships/vbaProject"
VML_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/vmlDrawing"
CONF_SHEET = "xlwings.conf"
#: Column widths of the Start sheet (characters) and its row height (points): the buttons
#: are placed on this grid.
START_WIDTHS = {"A": 2.0, "B": 36.0, "C": 2.0, "D": 90.0}
ROW_POINTS = 15.0


@dataclass(frozen=True)
class Button:
    macro: str
    caption: str
    row: int  # 1-based: the button covers column B of this row and the next
    about: str = ""


@dataclass(frozen=True)
class WorkbookSpec:
    sheet: str
    title: str
    lines: tuple[str, ...]
    buttons: tuple[Button, ...]
    conf: tuple[tuple[str, Any], ...]


def macros_dir() -> Path:
    """The packaged macros folder (``xlperf/assets/macros``): the VBA and the workbook's
    description."""
    here = asset_path("macros")
    if not (here / "workbook.yaml").exists():
        raise XlperfError(f"{here}: the macros folder is missing from the installed package")
    return here


def load_spec(folder: Path | None = None) -> WorkbookSpec:
    data = yaml.safe_load(((folder or macros_dir()) / "workbook.yaml").read_text("utf-8"))
    start = data["start"]
    return WorkbookSpec(
        start["sheet"], start["title"], tuple(start.get("lines") or ()),
        tuple(Button(b["macro"], b["caption"], int(b["row"]), b.get("about", ""))
              for b in start["buttons"]),
        tuple((str(k), v) for k, v in (data.get("conf") or {}).items()),
    )


def installed_xlwings() -> ModuleType:
    """The installed xlwings package (the Excel extra), or a plain error."""
    try:
        import xlwings  # noqa: PLC0415 - only the workbook build needs it
    except ImportError:
        raise XlperfError("the analyst workbook takes its VBA from xlwings, which is not "
                          'installed: pip install "xlperf[excel]"') from None
    return xlwings


def xlwings_folder() -> Path:
    """The folder of the installed xlwings package (its VBA modules, add-ins, AppleScript)."""
    return Path(str(installed_xlwings().__file__)).parent


def xlwings_vba_text(name: str = "xlwings.bas") -> str:
    """A VBA module shipped with the installed xlwings (``xlwings.bas``, the standalone
    module with ``RunPython``; ``xlwings_custom_addin.bas``, the same for a custom add-in),
    checked to be of the installed xlwings' version (the DLL it names has that version)."""
    xlwings = installed_xlwings()
    path = xlwings_folder() / name
    text = path.read_text(encoding="cp1252")
    match = re.search(r"^'Version: (\S+)", text, re.MULTILINE)
    if match is None or match.group(1) != xlwings.__version__:
        found = match.group(1) if match else "none"
        raise XlperfError(f"{path}: VBA module version {found} does not match the installed "
                          f"xlwings {xlwings.__version__}; reinstall xlwings")
    return text


def xlwings_module_text() -> str:
    """The xlwings VBA module (``RunPython``) of the installed xlwings, checked to match it."""
    return xlwings_vba_text("xlwings.bas")


def xlwings_dictionary_text() -> str:
    """The Dictionary class the xlwings module uses on macOS (shipped with xlwings)."""
    return (xlwings_folder() / "addin" / "Dictionary.cls").read_text("cp1252")


def vba_modules(sheet_count: int, folder: Path | None = None) -> list[Module]:
    """ThisWorkbook, one document module per sheet, xlwings, Dictionary and macros/*.bas."""
    folder = folder or macros_dir()
    modules = [Module("ThisWorkbook", "document", base=WORKBOOK_BASE)]
    modules += [Module(f"Sheet{i}", "document", base=WORKSHEET_BASE)
                for i in range(1, sheet_count + 1)]
    modules.append(parse_module(xlwings_module_text()))
    modules.append(parse_module(xlwings_dictionary_text(), "class"))
    for path in sorted(folder.glob("*.bas")):
        modules.append(parse_module(path.read_text(encoding="cp1252")))
    return modules


def demo_rows() -> dict[str, list[list[Any]]]:
    """The rows of every table of the demo workbook, in the schema's column order."""
    from ..api import demo_path  # noqa: PLC0415
    from ..reading.xlsx import read_workbook  # noqa: PLC0415

    raw = read_workbook(demo_path())
    rows: dict[str, list[list[Any]]] = {}
    for spec in load_schema().tables:
        table = raw.tables.get(spec.name)
        if table is None:
            continue
        where = {h: j for j, h in enumerate(table.header)}
        rows[spec.name] = [
            [row[where[c]] if c in where else None for c in spec.column_names]
            for row in table.rows if any(v is not None for v in row)
        ]
    return rows


def _start_sheet(book: Any, spec: WorkbookSpec) -> None:
    sheet = book.create_sheet(spec.sheet, 0)
    sheet.sheet_view.showGridLines = False
    for letter, width in START_WIDTHS.items():
        sheet.column_dimensions[letter].width = width
    sheet["B2"] = spec.title
    sheet["B2"].style = "Title"
    for i, line in enumerate(spec.lines):
        sheet.cell(4 + i, 2, line)
    for button in spec.buttons:
        cell = sheet.cell(button.row, 4, button.about)
        cell.alignment = Alignment(vertical="center")
        cell.font = Font(italic=True)
    book.active = 0


def _conf_sheet(book: Any, spec: WorkbookSpec) -> None:
    sheet = book.create_sheet(CONF_SHEET)
    for i, (key, value) in enumerate(spec.conf, start=1):
        sheet.cell(i, 1, key)
        sheet.cell(i, 2, value if value != "" else None)
    notes = [
        "xlwings reads these settings when a button is pressed (keys from A1 down, no blank row).",
        "Interpreter_Win / Interpreter_Mac: the Python that has xlperf installed "
        "(see the README, 'Using xlperf inside Excel').",
        "UDF Modules: the Python module whose functions become cell functions "
        "(Import functions button).",
    ]
    for i, note in enumerate(notes, start=1):
        sheet.cell(i, 4, note).font = Font(italic=True)
    sheet.column_dimensions["A"].width = 18
    sheet.column_dimensions["B"].width = 48


def build_workbook(rows: Mapping[str, Sequence[Sequence[Any]]] | None = None,
                   conf: Mapping[str, Any] | None = None, folder: Path | None = None) -> bytes:
    """The analyst workbook as bytes; ``conf`` overrides entries of the conf sheet."""
    spec = load_spec(folder)
    if conf:
        merged = dict(spec.conf)
        merged.update(conf)
        spec = WorkbookSpec(spec.sheet, spec.title, spec.lines, spec.buttons,
                            tuple(merged.items()))
    book = build_input_workbook(rows, blank_rows=0 if rows else 5)
    _start_sheet(book, spec)
    _conf_sheet(book, spec)
    book.code_name = "ThisWorkbook"
    for i, sheet in enumerate(book.worksheets, start=1):
        sheet.sheet_properties.codeName = f"Sheet{i}"
    modules = vba_modules(len(book.worksheets), folder)
    macros = {m.name: m for m in modules}
    for button in spec.buttons:
        if not any(re.search(rf"^\s*(Public\s+)?Sub\s+{re.escape(button.macro)}\s*\(",
                             m.code, re.MULTILINE | re.IGNORECASE) for m in macros.values()):
            raise XlperfError(f"xlperf/assets/macros/workbook.yaml: button {button.caption!r} "
                              f"runs macro {button.macro!r}, which no VBA module defines")
    package = workbook_bytes(book)
    return add_vba(package, vba_project(modules), spec.sheet, spec.buttons)


def write_workbook(output: Path, demo: bool = False,
                   conf: Mapping[str, Any] | None = None) -> Path:
    """Write the analyst workbook to ``output`` (``.xlsm``), atomically."""
    output = Path(output)
    if output.suffix.lower() != ".xlsm":
        raise XlperfError(f"{output}: the analyst workbook holds macros; name it .xlsm")
    if output.exists():
        raise XlperfError(f"{output}: already exists; the analyst workbook may hold an "
                          "analyst's data, so xlperf never overwrites it")
    check_output_path(output)
    data = build_workbook(demo_rows() if demo else None, conf)
    return write_bytes_atomically(data, output)


# -- completing the package ------------------------------------------------------------
def _points(width_chars: float) -> float:
    """A column's width in points (Calibri 11: 7 pixels a character, plus 5 of padding)."""
    return (int(width_chars * 7) + 5) * 0.75


def button_vml(buttons: Sequence[Button]) -> bytes:
    """A legacy drawing with one form-control button per entry (as Excel writes them)."""
    left = _points(START_WIDTHS["A"])
    width = _points(START_WIDTHS["B"])
    shapes = []
    for i, button in enumerate(buttons):
        top = (button.row - 1) * ROW_POINTS
        height = 2 * ROW_POINTS
        anchor = f"1, 0, {button.row - 1}, 0, 2, 0, {button.row + 1}, 0"
        shapes.append(
            f'<v:shape id="_x0000_s{1025 + i}" type="#_x0000_t201" '
            f'style="position:absolute;margin-left:{left:g}pt;margin-top:{top:g}pt;'
            f'width:{width:g}pt;height:{height:g}pt;z-index:{i + 1};mso-wrap-style:tight" '
            'o:button="t" fillcolor="buttonFace [67]" strokecolor="windowText [64]" '
            'o:insetmode="auto"><v:fill color2="buttonFace [67]" o:detectmouseclick="t"/>'
            '<o:lock v:ext="edit" rotation="t"/><v:textbox style="mso-direction-alt:auto" '
            'o:singleclick="f"><div style="text-align:center"><font face="Calibri" size="220" '
            f'color="#000000">{escape(button.caption)}</font></div></v:textbox>'
            f'<x:ClientData ObjectType="Button"><x:Anchor>{anchor}</x:Anchor>'
            '<x:PrintObject>False</x:PrintObject><x:AutoFill>False</x:AutoFill>'
            f'<x:FmlaMacro>[0]!{escape(button.macro)}</x:FmlaMacro>'
            '<x:TextHAlign>Center</x:TextHAlign><x:TextVAlign>Center</x:TextVAlign>'
            '</x:ClientData></v:shape>')
    return (
        '<xml xmlns:v="urn:schemas-microsoft-com:vml" '
        'xmlns:o="urn:schemas-microsoft-com:office:office" '
        'xmlns:x="urn:schemas-microsoft-com:office:excel">'
        '<o:shapelayout v:ext="edit"><o:idmap v:ext="edit" data="1"/></o:shapelayout>'
        '<v:shapetype id="_x0000_t201" coordsize="21600,21600" o:spt="201" '
        'path="m,l,21600r21600,l21600,xe"><v:stroke joinstyle="miter"/>'
        '<v:path shadowok="f" o:extrusionok="f" strokeok="f" fillok="f" o:connecttype="rect"/>'
        '<o:lock v:ext="edit" shapetype="t"/></v:shapetype>' + "".join(shapes) + "</xml>"
    ).encode("utf-8")


def _next_rel_id(rels: str) -> str:
    used = {int(n) for n in re.findall(r'Id="rId(\d+)"', rels)}
    return f"rId{max(used, default=0) + 1}"


def _add_rel(rels: str, rel_type: str, target: str) -> tuple[str, str]:
    rel_id = _next_rel_id(rels)
    entry = f'<Relationship Id="{rel_id}" Type="{rel_type}" Target="{target}"/>'
    return rels.replace("</Relationships>", entry + "</Relationships>"), rel_id


def _sheet_part(files: dict[str, bytes], sheet_name: str) -> str:
    workbook = files["xl/workbook.xml"].decode("utf-8")
    rels = files["xl/_rels/workbook.xml.rels"].decode("utf-8")
    match = re.search(rf'<sheet [^>]*name="{re.escape(escape(sheet_name))}"[^>]*r:id="(rId\d+)"',
                      workbook)
    if match is None:  # pragma: no cover - the sheet was created above
        raise XlperfError(f"analyst workbook: no sheet {sheet_name!r}")
    target = re.search(rf'Id="{match.group(1)}"[^>]*Target="([^"]+)"', rels) or re.search(
        rf'Target="([^"]+)"[^>]*Id="{match.group(1)}"', rels)
    assert target is not None
    path = target.group(1).lstrip("/")
    return path if path.startswith("xl/") else f"xl/{path}"


class Package:
    """The parts of an Office package, in their order, to complete and write back."""

    def __init__(self, data: bytes) -> None:
        source = zipfile.ZipFile(io.BytesIO(data))
        self.files = {info.filename: source.read(info.filename) for info in source.infolist()}
        self.order = [info.filename for info in source.infolist()]

    def text(self, name: str) -> str:
        return self.files[name].decode("utf-8")

    def put(self, name: str, data: bytes | str) -> None:
        if name not in self.files:
            self.order.append(name)
        self.files[name] = data.encode("utf-8") if isinstance(data, str) else data

    def add_defaults(self, defaults: Sequence[tuple[str, str]]) -> None:
        """Default content types by extension, where not declared yet."""
        types = self.text("[Content_Types].xml")
        added = "".join(f'<Default Extension="{ext}" ContentType="{content_type}"/>'
                        for ext, content_type in defaults
                        if f'Extension="{ext}"' not in types)
        types = re.sub(r"(<Types[^>]*>)", lambda m: m.group(1) + added, types, count=1)
        self.put("[Content_Types].xml", types)

    def add_relationship(self, rels_name: str, rel_type: str, target: str) -> str:
        """Add a relationship to ``rels_name`` (created if missing); its id."""
        rels = self.files.get(rels_name, b"").decode("utf-8") or (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
            'relationships"></Relationships>')
        rels, rel_id = _add_rel(rels, rel_type, target)
        self.put(rels_name, rels)
        return rel_id

    def make_macro_enabled(self, main_content_type: str, vba: bytes) -> None:
        """The workbook part gets ``main_content_type`` (macro-enabled workbook or add-in)
        and the VBA project ``vba``."""
        types = self.text("[Content_Types].xml")
        if XLSX_CONTENT_TYPE not in types:  # pragma: no cover - openpyxl always writes it
            raise XlperfError("workbook package: unexpected workbook content type")
        self.put("[Content_Types].xml", types.replace(XLSX_CONTENT_TYPE, main_content_type))
        self.add_defaults([("bin", VBA_CONTENT_TYPE)])
        self.add_relationship("xl/_rels/workbook.xml.rels", VBA_REL, "vbaProject.bin")
        self.put("xl/vbaProject.bin", vba)

    def to_bytes(self) -> bytes:
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
            for filename in self.order:
                target.writestr(filename, self.files[filename])
        return normalise_package(out.getvalue())


def add_vba(package: bytes, vba: bytes, button_sheet: str, buttons: Sequence[Button]) -> bytes:
    """Turn an .xlsx package into an .xlsm: the VBA project, the buttons, the content type."""
    parts = Package(package)
    parts.add_defaults([("vml", VML_CONTENT_TYPE)])
    parts.make_macro_enabled(MACRO_CONTENT_TYPE, vba)
    files = parts.files

    part = _sheet_part(files, button_sheet)
    folder, name = part.rsplit("/", 1)
    drawing = "xl/drawings/vmlDrawingButtons.vml"
    rel_id = parts.add_relationship(f"{folder}/_rels/{name}.rels", VML_REL,
                                    "../drawings/vmlDrawingButtons.vml")
    parts.put(drawing, button_vml(buttons))
    sheet_xml = parts.text(part)
    if "<legacyDrawing" in sheet_xml:  # pragma: no cover - the Start sheet has no comments
        raise XlperfError("analyst workbook: the Start sheet already has a legacy drawing")
    if 'xmlns:r="' not in sheet_xml[:500]:
        sheet_xml = sheet_xml.replace(
            "<worksheet ", '<worksheet xmlns:r="http://schemas.openxmlformats.org/'
            'officeDocument/2006/relationships" ', 1)
    tag = f'<legacyDrawing r:id="{rel_id}"/>'
    for follower in ("<legacyDrawingHF", "<picture", "<oleObjects", "<controls",
                     "<webPublishItems", "<tableParts", "<extLst", "</worksheet>"):
        if follower in sheet_xml:
            sheet_xml = sheet_xml.replace(follower, tag + follower, 1)
            break
    parts.put(part, sheet_xml)
    return parts.to_bytes()
