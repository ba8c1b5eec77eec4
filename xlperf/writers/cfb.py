"""Write an OLE compound file ([MS-CFB] version 3, 512-byte sectors), the container of a
VBA project: storages and streams by path ("VBA/dir" is stream dir in storage VBA).

Streams under 4096 bytes go to the mini stream, as the format requires; the directory is a
binary search tree of black nodes, which [MS-CFB] 2.6.4 allows. No timestamps or class IDs
are written, so the same streams always give the same bytes.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

SECTOR = 512
MINI_SECTOR = 64
MINI_CUTOFF = 4096
FREESECT, ENDOFCHAIN, FATSECT, NOSTREAM = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF


@dataclass
class _Entry:
    name: str
    kind: int  # 1 storage, 2 stream, 5 root
    data: bytes = b""
    children: list[_Entry] | None = None
    left: int = NOSTREAM
    right: int = NOSTREAM
    child: int = NOSTREAM
    start: int = ENDOFCHAIN
    size: int = 0
    index: int = 0


def _cfb_key(name: str) -> tuple[int, str]:
    """Siblings are ordered by name length, then by upper-cased name ([MS-CFB] 2.6.4)."""
    return len(name), name.upper()


def _tree(entries: list[_Entry]) -> int:
    """Link ``entries`` as a balanced binary search tree (all nodes black); its root."""
    if not entries:
        return NOSTREAM
    middle = len(entries) // 2
    node = entries[middle]
    node.left = _tree(entries[:middle])
    node.right = _tree(entries[middle + 1:])
    return node.index


def _chain(fat: list[int], first: int, count: int) -> None:
    for i in range(count):
        fat[first + i] = first + i + 1 if i < count - 1 else ENDOFCHAIN


def compound_file(streams: dict[str, bytes]) -> bytes:
    """A compound file holding ``streams`` ("VBA/dir" is stream dir in storage VBA)."""
    root = _Entry("Root Entry", 5, children=[])
    storages: dict[str, _Entry] = {"": root}
    for path in sorted(streams):
        parts = path.split("/")
        parent = root
        for depth, part in enumerate(parts[:-1]):
            key = "/".join(parts[:depth + 1])
            if key not in storages:
                storage = _Entry(part, 1, children=[])
                storages[key] = storage
                assert parent.children is not None
                parent.children.append(storage)
            parent = storages[key]
        assert parent.children is not None
        parent.children.append(_Entry(parts[-1], 2, data=streams[path]))
    order: list[_Entry] = []
    queue = [root]
    while queue:
        entry = queue.pop(0)
        entry.index = len(order)
        order.append(entry)
        if entry.children:
            entry.children.sort(key=lambda e: _cfb_key(e.name))
            queue.extend(entry.children)
    for entry in order:
        if entry.children:
            entry.child = _tree(entry.children)

    small = [e for e in order if e.kind == 2 and 0 < len(e.data) < MINI_CUTOFF]
    large = [e for e in order if e.kind == 2 and len(e.data) >= MINI_CUTOFF]
    mini_stream = bytearray()
    mini_fat: list[int] = []
    for entry in small:
        count = -(-len(entry.data) // MINI_SECTOR)
        entry.start, entry.size = len(mini_fat), len(entry.data)
        mini_fat.extend([0] * count)
        _chain(mini_fat, entry.start, count)
        mini_stream += entry.data + b"\0" * (count * MINI_SECTOR - len(entry.data))

    def sectors(size: int) -> int:
        return -(-size // SECTOR)

    n_dir = sectors(len(order) * 128)
    n_minifat = sectors(len(mini_fat) * 4)
    n_ministream = sectors(len(mini_stream))
    n_large = sum(sectors(len(e.data)) for e in large)
    others = n_dir + n_minifat + n_ministream + n_large
    n_fat = 1
    while n_fat * (SECTOR // 4) < n_fat + others:
        n_fat += 1
    if n_fat > 109:  # pragma: no cover - a VBA project is never that large
        raise ValueError("the VBA project is too large for a compound file without DIFAT")
    fat = [FREESECT] * (n_fat * (SECTOR // 4))
    for i in range(n_fat):
        fat[i] = FATSECT
    cursor = n_fat
    dir_start = cursor
    _chain(fat, cursor, n_dir)
    cursor += n_dir
    minifat_start = cursor if n_minifat else ENDOFCHAIN
    _chain(fat, cursor, n_minifat)
    cursor += n_minifat
    root.start = cursor if n_ministream else ENDOFCHAIN
    root.size = len(mini_stream)
    _chain(fat, cursor, n_ministream)
    cursor += n_ministream
    for entry in large:
        count = sectors(len(entry.data))
        entry.start, entry.size = cursor, len(entry.data)
        _chain(fat, cursor, count)
        cursor += count

    header = bytearray(SECTOR)
    struct.pack_into("<8s16sHHHHH6sIIIIIIIII", header, 0,
                     b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", b"\0" * 16, 0x003E, 0x0003, 0xFFFE,
                     9, 6, b"\0" * 6, 0, n_fat, dir_start, 0, MINI_CUTOFF, minifat_start,
                     n_minifat, ENDOFCHAIN, 0)
    difat = [FREESECT] * 109
    difat[:n_fat] = range(n_fat)
    struct.pack_into("<109I", header, 76, *difat)

    body = bytearray()
    body += struct.pack(f"<{len(fat)}I", *fat)
    directory = bytearray()
    for entry in order:
        directory += _dir_entry(entry)
    directory += b"".join(_dir_entry(None) for _ in range(n_dir * 4 - len(order)))
    body += directory
    padded_minifat = mini_fat + [FREESECT] * (n_minifat * (SECTOR // 4) - len(mini_fat))
    body += struct.pack(f"<{len(padded_minifat)}I", *padded_minifat)
    body += mini_stream + b"\0" * (n_ministream * SECTOR - len(mini_stream))
    for entry in large:
        body += entry.data + b"\0" * (sectors(len(entry.data)) * SECTOR - len(entry.data))
    assert len(body) == cursor * SECTOR
    return bytes(header + body)


def _dir_entry(entry: _Entry | None) -> bytes:
    if entry is None:
        return struct.pack("<64sHBBIII16sIQQIQ", b"", 0, 0, 0, NOSTREAM, NOSTREAM, NOSTREAM,
                           b"\0" * 16, 0, 0, 0, 0, 0)
    name = entry.name.encode("utf-16-le")
    if len(name) > 62:
        raise ValueError(f"compound file entry name {entry.name!r} is too long")
    return struct.pack("<64sHBBIII16sIQQIQ", name, len(name) + 2, entry.kind, 1, entry.left,
                       entry.right, entry.child, b"\0" * 16, 0, 0, 0, entry.start, entry.size)
