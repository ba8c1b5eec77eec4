"""The package check's fast look at a part's prolog (xlperf.reading.xlsx._plain_prolog) never
says "no DTD before the root element" where expat finds one: on every part of the demo, on
thousands of generated prologs (a DOCTYPE after comments or a long processing instruction,
in UTF-16 with and without a byte order mark, under declared encodings other than UTF-8,
the root beyond the bytes read, '<!' in values, CDATA...) and on random strings of their
pieces. Where it does not answer, expat decides as before (test_hostile.py)."""

from __future__ import annotations

import io
import itertools
import zipfile

import bad_inputs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xlperf.reading.xlsx import _declares_dtd, _plain_prolog

#: what check_package reads of each part before deciding
HEAD = 4096


def expat_finds_dtd(data: bytes) -> bool:
    """check_package's verdict on a part without the fast look (the quick byte test, then
    expat over the prolog)."""
    start, rest = data[:HEAD], io.BytesIO(data[HEAD:])
    return b"<!DOCTYPE" in start or b"<!ENTITY" in start or _declares_dtd(start, rest)


def fast_says_no_dtd(data: bytes) -> bool:
    return _plain_prolog(data[:HEAD])


def check(data: bytes) -> bool:
    """The fast look's answer, after asserting it is never wrong."""
    plain = fast_says_no_dtd(data)
    if plain:
        assert not _declares_dtd(data[:HEAD], io.BytesIO(data[HEAD:])), data[:300]
    return plain


DECLARATIONS = [
    "", '<?xml version="1.0"?>', '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>',
    "<?xml version='1.0' encoding='utf-8'?>", '<?xml version="1.0" encoding="utf-16"?>',
    '<?xml version="1.0" encoding="ISO-8859-1"?>', '<?xml version="1.0" encoding="cp037"?>',
    '<?xml version="1.0" encoding="US-ASCII"?>', '<?xml version="1.0" encoding = "utf-8"?>',
    '<?xml version="1.0" encoding="utf-8" encoding="utf-16"?>', '<?xml version="1.0" ?>',
    '<?xml-stylesheet href="a.xsl"?>', ' <?xml version="1.0"?>', "<?xml?>",
    '<?xml version="1.0"\tencoding="utf-8"?>', '<?xml version="1.0" encoding="utf8"?>',
]
BEFORE = [
    "", "\r\n", "   \t", "<!-- note -->", "<!--" + " padding " * 600 + "-->",
    '<?pi data?>', "<?pi " + "x" * 5000 + "?>", "<?pi <!DOCTYPE r [<!ENTITY a 'b'>]> ?>",
    "<?pi <fake> ?>", "<?pi a ? b ?? c?>", "<?xml-stylesheet href='a'?>", "<?XML x?>",
    " " * 5000, "text", "<!---->", "<?pi?><?pj?>",
]
DOCTYPES = [
    "", "<!DOCTYPE r>", '<!DOCTYPE r [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;">]>',
    '<!DOCTYPE r SYSTEM "r.dtd">', "<!doctype r>", '<!DOCTYPE r PUBLIC "-//x" "y">',
]
AFTER = ["", "<!-- after -->", "<?pi after?>", "\n"]
ROOTS = [
    "<r/>", '<r a="&lt;!DOCTYPE r&gt;">x</r>', "<r><![CDATA[<!DOCTYPE r><!ENTITY a 'b'>]]></r>",
    "<r><!-- <!ENTITY a 'b'> --></r>", "<_r/>", "<:r/>", "<1r/>", "<\u00e9/>", "<r",
    '<r xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><c/></r>',
]
#: (byte order mark, how the text is encoded)
ENCODINGS = [
    (b"", "utf-8"), (b"\xef\xbb\xbf", "utf-8"), (b"", "utf-16-le"), (b"", "utf-16-be"),
    (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"), (b"", "latin-1"),
    (b"", "cp037"), (b"\xff\xfe\x00\x00", "utf-32-le"),
]


def documents() -> list[bytes]:
    found = []
    for bom, encoding in ENCODINGS:
        for parts in itertools.product(DECLARATIONS, BEFORE, DOCTYPES, AFTER, ROOTS):
            found.append(bom + "".join(parts).encode(encoding, "replace"))
    return found


def test_never_says_no_dtd_where_expat_finds_one() -> None:
    plain = 0
    for data in documents():
        if check(data):
            plain += 1
    assert plain > 1000  # the plain case is read, not only refused


@pytest.mark.parametrize(("data", "plain"), [
    (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n<r/>', True),
    (b"<r/>", True),
    (b"\xef\xbb\xbf<?xml version='1.0'?> <?pi x?>\n<r>", True),
    (b"<!-- c --><r/>", False),  # a comment before the root: expat decides
    (b"<?pi " + b"x" * 5000 + b"?><!DOCTYPE r><r/>", False),  # the root is not in the bytes
    (b"<?pi <r> ?><!DOCTYPE r><r/>", False),  # a '<' inside an instruction is not the root
    (b" " * 5000 + b"<r/>", False),
    ('<?xml version="1.0"?><!DOCTYPE r><r/>'.encode("utf-16"), False),
    ('<?xml version="1.0"?><r/>'.encode("utf-16-le"), False),
    (b'<?xml version="1.0" encoding="cp037"?>' + "<r/>".encode("cp037"), False),
    (b'<?xml version="1.0" encoding="ISO-8859-1"?><r/>', False),
    (b"<?xml-stylesheet href='a'?><r/>", False),
    (b"<r a='<!'/>", True),  # not well-formed, but the '<!' is after the root's '<'
    (b"<1r/>", False),
    (b"\xfe\xff<r/>", False),
])
def test_plain_and_other_prologs(data: bytes, plain: bool) -> None:
    assert check(data) is plain


def test_every_part_of_the_demo_is_plain() -> None:
    with zipfile.ZipFile(bad_inputs.DEMO) as archive:
        parts = [archive.read(info) for info in archive.infolist()
                 if info.filename.endswith((".xml", ".rels", ".vml"))]
    assert parts
    for data in parts:
        assert check(data)
        assert not expat_finds_dtd(data)


PIECES = [
    b"<?xml", b" version='1.0'", b' encoding="utf-8"', b" encoding='UTF-16'", b"?>", b"<?",
    b"pi", b"xml", b" ", b"\r\n", b"<!--", b"-->", b"<!DOCTYPE r", b"<!doctype r", b" [",
    b"<!ENTITY a 'b'>", b"]", b">", b"<", b"r", b"/>", b"<r>", b"<![CDATA[", b"]]>", b"\x00",
    b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"<!", b"\xc3\xa9", b"'", b'"', b"?", b"x" * 700,
    b"a=", b"&lt;", b"<_", b"<:", b"\t",
]


@settings(max_examples=3000, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=30))
def test_never_wrong_on_random_pieces(pieces: list[bytes]) -> None:
    check(b"".join(pieces))
