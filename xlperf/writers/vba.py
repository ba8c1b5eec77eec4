"""Write a VBA project (``xl/vbaProject.bin``) from module source text.

A VBA project is an OLE compound file ([MS-CFB]) holding the streams of [MS-OVBA]:
``PROJECT`` (text: the modules and the project's properties), ``PROJECTwm`` (module names
in Unicode), ``VBA/dir`` (the compressed project information records), ``VBA/_VBA_PROJECT``
(a 7-byte header with no compiled code: Office compiles the source when it opens the file,
which is what ``Version = 0xFFFF`` asks for) and one ``VBA/<module>`` stream per module,
holding the module's source, compressed.

Everything here is deterministic: no timestamps, the project ID is derived from the sources,
and the protection fields use a fixed seed, so the same sources always give the same bytes.
No Office and no third-party library is involved; oletools reads the result back in the
tests and LibreOffice loads it.
"""

from __future__ import annotations

import re
import struct
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from .cfb import compound_file

#: The code page the project's text is stored in (Windows Western European).
CODEPAGE = 1252
ENCODING = "cp1252"
LCID = 0x0409
#: VB_Base of each kind of module that is a class (the Excel object it extends).
WORKBOOK_BASE = "0{00020819-0000-0000-C000-000000000046}"
WORKSHEET_BASE = "0{00020820-0000-0000-C000-000000000046}"
CLASS_BASE = "0{FCFB3D2A-A0FA-1068-A738-08002B3371B5}"
STDOLE = ("stdole", "*\\G{00020430-0000-0000-C000-000000000046}#2.0#0#"
          "C:\\Windows\\System32\\stdole2.tlb#OLE Automation")
#: The Office object library (``IRibbonControl``, the type of a ribbon callback's argument),
#: as Excel 2016+ records it; VBA finds the installed version by its GUID.
OFFICE = ("Office", "*\\G{2DF8D04C-5BFA-101B-BDE5-00AA0044DE52}#2.0#0#"
          "C:\\Program Files\\Common Files\\Microsoft Shared\\OFFICE16\\MSO.DLL#"
          "Microsoft Office 16.0 Object Library")
_NAMESPACE = uuid.UUID("6f2b3c52-8f1a-4a4e-9d7e-1c0de0f0b7a1")


@dataclass(frozen=True)
class Module:
    """One VBA module: ``kind`` is "standard" (.bas), "class" (.cls) or "document"
    (the code behind ThisWorkbook or a worksheet). ``code`` is the module's code without
    its ``Attribute`` header, which :func:`stored_source` writes."""

    name: str
    kind: str
    code: str = ""
    base: str | None = None  # VB_Base of a document module
    attributes: tuple[str, ...] = ()  # extra Attribute lines of a class (VB_Description)


_ATTRIBUTE = re.compile(r'^Attribute\s+(\w+)\s*=\s*(.*)$')


def parse_module(text: str, kind: str | None = None) -> Module:
    """A module from the text of an exported ``.bas`` or ``.cls`` file."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if lines and lines[0].startswith("VERSION ") and "CLASS" in lines[0]:
        end = lines.index("END")
        lines = lines[end + 1:]
        kind = kind or "class"
    name = ""
    extra: list[str] = []
    body_start = 0
    for i, line in enumerate(lines):
        match = _ATTRIBUTE.match(line)
        if not match:
            body_start = i
            break
        key, value = match.groups()
        if key == "VB_Name":
            name = value.strip().strip('"')
        elif key not in ("VB_Base", "VB_GlobalNameSpace", "VB_Creatable", "VB_PredeclaredId",
                         "VB_Exposed", "VB_TemplateDerived", "VB_Customizable"):
            extra.append(line)
    else:
        body_start = len(lines)
    if not name:
        raise ValueError("the module has no 'Attribute VB_Name = ...' line")
    code = "\n".join(lines[body_start:])
    return Module(name, kind or "standard", code, attributes=tuple(extra))


def stored_source(module: Module) -> str:
    """The module's source as the VBA editor stores it: attributes first, CRLF lines."""
    head = [f'Attribute VB_Name = "{module.name}"']
    if module.kind == "document":
        head += [f'Attribute VB_Base = "{module.base or WORKSHEET_BASE}"',
                 "Attribute VB_GlobalNameSpace = False", "Attribute VB_Creatable = False",
                 "Attribute VB_PredeclaredId = True", "Attribute VB_Exposed = True",
                 "Attribute VB_TemplateDerived = False", "Attribute VB_Customizable = True"]
    elif module.kind == "class":
        head += [f'Attribute VB_Base = "{CLASS_BASE}"',
                 "Attribute VB_GlobalNameSpace = False", "Attribute VB_Creatable = False",
                 "Attribute VB_PredeclaredId = False", "Attribute VB_Exposed = True",
                 "Attribute VB_TemplateDerived = False", "Attribute VB_Customizable = False",
                 *module.attributes]
    else:
        head += list(module.attributes)
    code = module.code.replace("\r\n", "\n").strip("\n")
    text = "\n".join(head) + "\n" + (code + "\n" if code else "")
    return text.replace("\n", "\r\n")


# -- [MS-OVBA] 2.4.1 compression -----------------------------------------------------------
CHUNK = 4096


def compress(data: bytes) -> bytes:
    """A CompressedContainer: the signature byte, then one compressed chunk per 4096 bytes."""
    out = bytearray(b"\x01")
    for start in range(0, len(data), CHUNK):
        chunk = data[start:start + CHUNK]
        body = _compress_chunk(chunk)
        if len(body) <= CHUNK:
            out += struct.pack("<H", 0xB000 | (len(body) + 2 - 3)) + body
        elif len(chunk) == CHUNK:  # incompressible: stored raw
            out += struct.pack("<H", 0x3000 | (CHUNK + 2 - 3)) + chunk
        else:  # pragma: no cover - only random bytes do not compress; sources always do
            raise ValueError("cannot store an incompressible short chunk")
    return bytes(out)


def _compress_chunk(chunk: bytes) -> bytes:
    out = bytearray()
    seen: dict[bytes, list[int]] = {}
    pos, size = 0, len(chunk)

    def remember(at: int) -> None:
        if at + 3 <= size:
            seen.setdefault(chunk[at:at + 3], []).append(at)

    while pos < size:
        flag_at = len(out)
        out.append(0)
        flags = 0
        for bit in range(8):
            if pos >= size:
                break
            bit_count = max((pos - 1).bit_length(), 4) if pos > 0 else 4
            max_length = (0xFFFF >> bit_count) + 3
            best_length, best_offset = 0, 0
            for candidate in reversed(seen.get(chunk[pos:pos + 3], [])[-48:]):
                length = 0
                limit = min(max_length, size - pos)
                while length < limit and chunk[candidate + length] == chunk[pos + length]:
                    length += 1
                if length > best_length:
                    best_length, best_offset = length, pos - candidate
                    if length == limit:
                        break
            if best_length >= 3:
                token = ((best_offset - 1) << (16 - bit_count)) | (best_length - 3)
                out += struct.pack("<H", token)
                flags |= 1 << bit
                for at in range(pos, pos + best_length):
                    remember(at)
                pos += best_length
            else:
                out.append(chunk[pos])
                remember(pos)
                pos += 1
        out[flag_at] = flags
    return bytes(out)


def decompress(data: bytes) -> bytes:
    """The inverse of :func:`compress` (any valid container, as Office writes them too)."""
    if not data or data[0] != 1:
        raise ValueError("not a compressed container")
    out = bytearray()
    pos = 1
    while pos < len(data):
        header = struct.unpack_from("<H", data, pos)[0]
        size = (header & 0x0FFF) + 3
        end = min(pos + size, len(data))
        pos += 2
        start = len(out)
        if not header & 0x8000:
            out += data[pos:pos + CHUNK]
            pos += CHUNK
            continue
        while pos < end:
            flags = data[pos]
            pos += 1
            for bit in range(8):
                if pos >= end:
                    break
                if not flags & (1 << bit):
                    out.append(data[pos])
                    pos += 1
                    continue
                token = struct.unpack_from("<H", data, pos)[0]
                pos += 2
                bit_count = max((len(out) - start - 1).bit_length(), 4)
                length = (token & (0xFFFF >> bit_count)) + 3
                offset = (token >> (16 - bit_count)) + 1
                for _ in range(length):
                    out.append(out[-offset])
    return bytes(out)


# -- [MS-OVBA] 2.4.3 data encryption (the PROJECT stream's CMG, DPB and GC) ---------------
def encrypt(data: bytes, project_id: str, seed: int = 0x8D) -> str:
    """Hex text of ``data`` encrypted as the PROJECT stream's protection fields are."""
    key = sum(project_id.encode(ENCODING)) & 0xFF
    version_enc, key_enc = seed ^ 2, seed ^ key
    out = [seed, version_enc, key_enc]
    plain1, enc1, enc2 = key, key_enc, version_enc
    payload = bytes(((seed & 6) // 2) * [0]) + struct.pack("<I", len(data)) + data
    for byte in payload:
        value = byte ^ ((enc2 + plain1) & 0xFF)
        out.append(value)
        enc2, enc1, plain1 = enc1, value, byte
    return bytes(out).hex().upper()


def decrypt(text: str) -> bytes:
    """The inverse of :func:`encrypt` (reads what Office wrote as well)."""
    raw = bytes.fromhex(text)
    seed, version_enc, key_enc = raw[0], raw[1], raw[2]
    key = seed ^ key_enc
    plain1, enc1, enc2 = key, key_enc, version_enc
    plain = bytearray()
    for value in raw[3:]:
        byte = value ^ ((enc2 + plain1) & 0xFF)
        plain.append(byte)
        enc2, enc1, plain1 = enc1, value, byte
    ignored = (seed & 6) // 2
    length = struct.unpack_from("<I", plain, ignored)[0]
    return bytes(plain[ignored + 4:ignored + 4 + length])


# -- the project's streams ---------------------------------------------------------------
def _record(record_id: int, data: bytes) -> bytes:
    return struct.pack("<HI", record_id, len(data)) + data


def _text_record(record_id: int, unicode_id: int, text: str) -> bytes:
    return _record(record_id, text.encode(ENCODING)) + _record(unicode_id,
                                                                text.encode("utf-16-le"))


def dir_stream(modules: list[Module], project_name: str,
               references: Sequence[tuple[str, str]] = (STDOLE,)) -> bytes:
    """The uncompressed ``VBA/dir`` stream: project information, references, modules."""
    out = bytearray()
    out += _record(0x0001, struct.pack("<I", 3))  # PROJECTSYSKIND: 64-bit Windows
    out += _record(0x0002, struct.pack("<I", LCID))  # PROJECTLCID
    out += _record(0x0014, struct.pack("<I", LCID))  # PROJECTLCIDINVOKE
    out += _record(0x0003, struct.pack("<H", CODEPAGE))  # PROJECTCODEPAGE
    out += _record(0x0004, project_name.encode(ENCODING))  # PROJECTNAME
    out += _text_record(0x0005, 0x0040, "")  # PROJECTDOCSTRING
    out += _text_record(0x0006, 0x003D, "")  # PROJECTHELPFILEPATH
    out += _record(0x0007, struct.pack("<I", 0))  # PROJECTHELPCONTEXT
    out += _record(0x0008, struct.pack("<I", 0))  # PROJECTLIBFLAGS
    # PROJECTVERSION: its "size" field is a reserved 4, followed by major (4) and minor (2)
    out += struct.pack("<HIIH", 0x0009, 4, 1, 0)
    out += _text_record(0x000C, 0x003C, "")  # PROJECTCONSTANTS
    for name, libid in references:
        out += _text_record(0x0016, 0x003E, name)  # REFERENCENAME
        registered = (struct.pack("<I", len(libid)) + libid.encode(ENCODING)
                      + struct.pack("<IH", 0, 0))
        out += _record(0x000D, registered)  # REFERENCEREGISTERED
    out += _record(0x000F, struct.pack("<H", len(modules)))  # PROJECTMODULES
    out += _record(0x0013, struct.pack("<H", 0xFFFF))  # PROJECTCOOKIE
    for module in modules:
        out += _record(0x0019, module.name.encode(ENCODING))  # MODULENAME
        out += _record(0x0047, module.name.encode("utf-16-le"))  # MODULENAMEUNICODE
        out += _text_record(0x001A, 0x0032, module.name)  # MODULESTREAMNAME
        out += _text_record(0x001C, 0x0048, "")  # MODULEDOCSTRING
        out += _record(0x0031, struct.pack("<I", 0))  # MODULEOFFSET: source at the start
        out += _record(0x001E, struct.pack("<I", 0))  # MODULEHELPCONTEXT
        out += _record(0x002C, struct.pack("<H", 0xFFFF))  # MODULECOOKIE
        out += _record(0x0021 if module.kind == "standard" else 0x0022, b"")  # MODULETYPE
        out += _record(0x002B, b"")  # module terminator
    out += _record(0x0010, b"")  # dir terminator (its reserved field is the 0 size)
    return bytes(out)


def project_id(modules: list[Module]) -> str:
    """A GUID that depends only on the modules' names and code (reproducible builds)."""
    digest = "\n".join(f"{m.kind}:{m.name}:{stored_source(m)}" for m in modules)
    return "{" + str(uuid.uuid5(_NAMESPACE, digest)).upper() + "}"


def project_stream(modules: list[Module], project_name: str, ident: str) -> bytes:
    not_protected, no_password, visible = struct.pack("<I", 0), b"\x00", b"\xff"
    lines = [f'ID="{ident}"']
    for module in modules:
        if module.kind == "document":
            lines.append(f"Document={module.name}/&H00000000")
        elif module.kind == "class":
            lines.append(f"Class={module.name}")
        else:
            lines.append(f"Module={module.name}")
    lines += [
        f'Name="{project_name}"',
        'HelpContextID="0"',
        'VersionCompatible32="393222000"',
        f'CMG="{encrypt(not_protected, ident)}"',
        f'DPB="{encrypt(no_password, ident)}"',
        f'GC="{encrypt(visible, ident)}"',
        "",
        "[Host Extender Info]",
        "&H00000001={3832D640-CF90-11CF-8E43-00A0C911005A};VBE;&H00000000",
        "",
        "[Workspace]",
        *[f"{m.name}=0, 0, 0, 0, C" for m in modules],
        "",
    ]
    return "\r\n".join(lines).encode(ENCODING)


def projectwm_stream(modules: list[Module]) -> bytes:
    out = bytearray()
    for module in modules:
        out += module.name.encode(ENCODING) + b"\x00" + module.name.encode("utf-16-le") + b"\0\0"
    return bytes(out + b"\0\0")


def vba_project(modules: Iterable[Module], project_name: str = "VBAProject",
                references: Sequence[tuple[str, str]] = (STDOLE,)) -> bytes:
    """The bytes of ``xl/vbaProject.bin`` holding ``modules``; ``references`` are the type
    libraries the code uses (name, LibidReference)."""
    modules = list(modules)
    names = [m.name.lower() for m in modules]
    if len(set(names)) != len(names):
        raise ValueError("two VBA modules have the same name")
    for module in modules:
        if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_]{0,30}", module.name):
            raise ValueError(f"{module.name!r} is not a valid VBA module name")
    ident = project_id(modules)
    streams = {
        "PROJECT": project_stream(modules, project_name, ident),
        "PROJECTwm": projectwm_stream(modules),
        "VBA/_VBA_PROJECT": struct.pack("<HHBH", 0x61CC, 0xFFFF, 0x00, 0x0001),
        "VBA/dir": compress(dir_stream(modules, project_name, references)),
    }
    for module in modules:
        streams[f"VBA/{module.name}"] = compress(stored_source(module).encode(ENCODING))
    return compound_file(streams)
