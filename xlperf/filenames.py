"""File names that work on every file system, for any force name.

A force name becomes an ASCII slug ("Avon and Somerset" -> ``avon-and-somerset``); letters
with accents lose them (``Gwent Heddlu`` and ``Dyfed-Powys`` stay readable). When the slug
loses anything but spacing and punctuation (a name in Cyrillic or Greek, say), or must be
shortened, a stable short hash of the whole name is added, so two different forces never
share a file name. Every name, with the temporary name the atomic writer derives from it,
fits the 255-byte limit of common file systems.
"""

from __future__ import annotations

import re
import unicodedata

#: The longest file name (in bytes, UTF-8) common file systems accept.
MAX_NAME_BYTES = 255
#: What the atomic writer adds to an output name for its temporary file: ".", and
#: ".XXXXXXXX.tmp" (tempfile's 8 random characters).
TEMP_EXTRA_BYTES = 1 + 1 + 8 + 4
#: The longest output file name whose temporary name also fits.
MAX_OUTPUT_NAME_BYTES = MAX_NAME_BYTES - TEMP_EXTRA_BYTES
HASH_CHARS = 8


def _ascii(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).encode(
        "ascii", "ignore").decode("ascii")


def _lossy(text: str) -> bool:
    """True when folding ``text`` to ASCII dropped a letter or digit."""
    kept = sum(ch.isalnum() for ch in _ascii(text))
    return kept < sum(ch.isalnum() for ch in unicodedata.normalize("NFKD", text)
                      if not unicodedata.combining(ch))


def short_hash(text: str) -> str:
    import hashlib  # noqa: PLC0415 - only for a name that needs one (hashlib costs ms)

    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:HASH_CHARS]


def slug(text: str, max_bytes: int = 60) -> str:
    """``text`` as a lower-case ASCII slug of at most ``max_bytes`` (at least 13)."""
    plain = re.sub(r"[^a-z0-9]+", "-", _ascii(text).lower()).strip("-")
    if plain and not _lossy(text) and len(plain) <= max_bytes:
        return plain
    keep = max(0, max_bytes - HASH_CHARS - 1)
    head = plain[:keep].strip("-")
    return f"{head}-{short_hash(text)}" if head else f"force-{short_hash(text)}"


def name_bytes(name: str) -> int:
    return len(name.encode("utf-8"))


def temp_prefix(name: str) -> str:
    """The prefix of the temporary file for output ``name``: ``.name.`` shortened (at a
    character boundary) so that the temporary name fits MAX_NAME_BYTES."""
    budget = MAX_NAME_BYTES - TEMP_EXTRA_BYTES
    encoded = name.encode("utf-8")[:budget]
    return "." + encoded.decode("utf-8", "ignore") + "."
