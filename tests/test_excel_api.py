"""The xlwings calls xlperf's Excel entry points make are public xlwings API, implemented by
both the Windows and the macOS engine: checked against xlwings' own source (main.py,
_xlwindows.py, _xlmac.py of the installed xlwings), member by member of the test double
(tests/excel_double.py) the entry points run on. And the product never sets a licence key.
"""

from __future__ import annotations

import ast
import functools
import re
import sys
from pathlib import Path

import xlwings as xw

sys.path.insert(0, str(Path(__file__).parent))
import excel_double as xd

XLWINGS = Path(xw.__file__).parent


DOUBLE_CLASSES = (xd.App, xd.Books, xd.Book, xd.Sheets, xd.Sheet, xd.Range, xd.RangeRows,
                  xd.Font, xd.DataValidation, xd.Tables, xd.Table, xd.Names, xd.Name)
#: Protocol members the double uses that xlwings inherits from a base class in main.py.
BASES = {"Sheets": "Collection", "Books": "Collection", "Tables": "Collection",
         "Names": None}
#: Members of main.py that reach the engine other than through ``self.impl.<member>``.
DELEGATED = {("Book", "to_pdf"): ("utils.to_pdf", "Book", "to_pdf"),
             ("Book", "selection"): ("App.selection", "App", "selection"),
             ("Book", "app"): None, ("Sheet", "book"): None, ("Range", "sheet"): None,
             ("Range", "font"): None, ("Range", "rows"): None,
             ("Range", "data_validation"): None, ("Range", "options"): None,
             ("Sheet", "copy"): ("Sheet.copy", "Sheet", "copy")}


@functools.cache
def _classes(path: Path) -> dict[str, ast.ClassDef]:
    tree = ast.parse(path.read_text("utf-8"))
    return {node.name: node for node in tree.body if isinstance(node, ast.ClassDef)}


@functools.cache
def _members(cls: ast.ClassDef) -> dict[str, list[ast.FunctionDef]]:
    out: dict[str, list[ast.FunctionDef]] = {}
    for node in cls.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            out.setdefault(node.name, []).append(node)  # type: ignore[arg-type]
    return out


@functools.cache
def _engine_members(cls: ast.ClassDef) -> dict[str, list[ast.FunctionDef]]:
    """An engine class's methods, and the attributes its methods set (``self.app = app``:
    an empty list, nothing to check inside)."""
    out = dict(_members(cls))
    for node in ast.walk(cls):
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name) \
                        and target.value.id == "self":
                    out.setdefault(target.attr, [])
    return out


def _raises_not_implemented(func: ast.FunctionDef) -> bool:
    body = [n for n in func.body if not (isinstance(n, ast.Expr)
                                         and isinstance(n.value, ast.Constant))]
    return len(body) == 1 and isinstance(body[0], ast.Raise) and \
        "NotImplementedError" in ast.unparse(body[0])


def _impl_members(funcs: list[ast.FunctionDef]) -> set[str]:
    """What a main.py member calls on its engine object: ``self.impl.<name>``."""
    found = set()
    for func in funcs:
        for node in ast.walk(func):
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Attribute) \
                    and node.value.attr == "impl" and isinstance(node.value.value, ast.Name) \
                    and node.value.value.id == "self":
                found.add(node.attr)
    return found


def double_surface() -> dict[str, dict[str, bool]]:
    """Per xlwings class: the members the double exposes, and whether each is set."""
    surface: dict[str, dict[str, bool]] = {}
    for cls in DOUBLE_CLASSES:
        members: dict[str, bool] = {}
        for name, value in vars(cls).items():
            if name.startswith("_") and name not in ("__iter__", "__len__", "__getitem__"):
                continue
            members[name] = isinstance(value, property) and value.fset is not None
        surface[cls.__name__] = members
    return surface


def api_problems(surface: dict[str, dict[str, bool]]) -> list[str]:
    """Every member of ``surface`` that xlwings' public API lacks, or that the Windows or
    the macOS engine does not implement."""
    main = _classes(XLWINGS / "main.py")
    engines = {"Windows": _classes(XLWINGS / "_xlwindows.py"),
               "macOS": _classes(XLWINGS / "_xlmac.py")}
    problems = []
    for cls, members in surface.items():
        for member, sets in members.items():
            owner = main.get(cls)
            funcs = _members(owner).get(member, []) if owner else []
            if not funcs and cls in BASES and BASES[cls]:
                funcs = _members(main[BASES[cls]]).get(member, [])
            if not funcs:
                problems.append(f"{cls}.{member}: not in xlwings' main.py")
                continue
            if sets and not any(any(ast.unparse(d).endswith(".setter")
                                    for d in f.decorator_list) for f in funcs):
                problems.append(f"{cls}.{member}: xlwings has no setter")
            if member.startswith("__") or (cls, member) in DELEGATED and \
                    DELEGATED[(cls, member)] is None:
                continue
            needed = {(cls, m) for m in _impl_members(funcs)}
            if (cls, member) in DELEGATED:
                _via, e_cls, e_member = DELEGATED[(cls, member)]  # type: ignore[misc]
                needed = {(e_cls, e_member)}
            for engine, classes in engines.items():
                for e_cls, e_member in sorted(needed):
                    known = _engine_members(classes[e_cls]) if e_cls in classes else {}
                    impl = known.get(e_member, [])
                    if e_member not in known:
                        problems.append(f"{cls}.{member}: the {engine} engine has no "
                                        f"{e_cls}.{e_member}")
                    elif impl and all(_raises_not_implemented(f) for f in impl):
                        problems.append(f"{cls}.{member}: the {engine} engine raises "
                                        f"NotImplementedError in {e_cls}.{e_member}")
    return problems


def test_every_call_the_entry_points_make_is_xlwings_api_on_windows_and_macos():
    surface = double_surface()
    assert sum(len(m) for m in surface.values()) > 40
    assert api_problems(surface) == []


def test_the_api_check_can_fail():
    assert api_problems({"Sheet": {"copy_everything": False}}) == [
        "Sheet.copy_everything: not in xlwings' main.py"]
    assert api_problems({"Sheet": {"index": True}}) == ["Sheet.index: xlwings has no setter"]
    # a member main.py has but an engine leaves unimplemented: found from the source
    main = _classes(XLWINGS / "main.py")
    engines = [_classes(XLWINGS / "_xlwindows.py"), _classes(XLWINGS / "_xlmac.py")]
    unimplemented = [
        (c, m) for c, node in main.items() for m, funcs in _members(node).items()
        if not m.startswith("_") and any(
            any(all(_raises_not_implemented(f) for f in _members(e[c2]).get(m2, [])) and
                _members(e[c2]).get(m2) for c2, m2 in [(c, x) for x in _impl_members(funcs)]
                if c2 in e) for e in engines)]
    assert unimplemented, "xlwings' engines leave nothing unimplemented?"
    cls, member = unimplemented[0]
    assert any("NotImplementedError" in p for p in api_problems({cls: {member: False}}))


# -- the licence -------------------------------------------------------------------------------
def test_the_product_never_sets_a_licence_key():
    import xlperf

    package = Path(xlperf.__file__).parent
    setting = re.compile(r"XLWINGS_LICENSE_KEY")
    found = [f"{path.relative_to(package)}:{i}" for path in sorted(package.rglob("*"))
             if path.suffix in (".py", ".bas", ".yaml", ".xml", ".txt", ".cls")
             for i, line in enumerate(path.read_text("utf-8", "replace").splitlines(), 1)
             if setting.search(line)]
    assert found == []
    assert setting.search('os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")')


