"""The problem-code registry (xlperf/data/problem_codes.yaml, read by xlperf.codes) is the
one place codes are declared: the doc is generated from it, every code the package uses is
registered, and code literals appear nowhere else in the package."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

import xlperf.codes as codes
from xlperf.codes import UnknownProblemCode, markdown, registry
from xlperf.problems import Problem

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "problem-codes.md"


def test_problem_codes_doc_is_generated_from_the_registry() -> None:
    # regenerate with: python -m xlperf.codes > docs/problem-codes.md
    assert DOC.read_text(encoding="utf-8") == markdown()


def test_every_registered_code_is_in_the_doc_with_its_severity_and_message() -> None:
    text = DOC.read_text(encoding="utf-8")
    for code in registry().values():
        row = re.search(rf"^\| `{re.escape(code.code)}` \| (\w+) \|.*$", text, re.MULTILINE)
        assert row is not None, code.code
        assert row.group(1) == code.severity
        assert code.message.replace("|", "\\|") in row.group(0)
        assert code.description and code.example, code.code


def _string_literals(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {node.value for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str)}


def test_no_code_literal_outside_the_registry_module() -> None:
    """Code literals go through xlperf.codes' constants (checked at import), never typed."""
    known = set(registry())
    offenders = {f"{path.relative_to(ROOT)}: {literal}"
                 for path in sorted((ROOT / "xlperf").rglob("*.py")) if path.name != "codes.py"
                 for literal in _string_literals(path) & known}
    assert sorted(offenders) == []


def test_every_constant_is_a_registered_code_and_every_code_has_a_constant() -> None:
    constants = {value for name, value in vars(codes).items()
                 if name.isupper() and isinstance(value, str) and name != "REGISTRY_FILE"}
    assert constants == set(registry())
    assert codes.NOT_A_NUMBER == "not-a-number"


def test_a_code_registered_without_a_constant_fails_the_import_check(monkeypatch) -> None:
    extra = codes.ProblemCode("brand-new", "error", "m", "d", "e", "s")
    monkeypatch.setattr(codes, "registry", lambda: {**registry(), "brand-new": extra})
    with pytest.raises(UnknownProblemCode, match="brand-new"):
        codes._check_constants()


def test_an_unregistered_code_is_refused() -> None:
    with pytest.raises(UnknownProblemCode, match="no-such-code"):
        Problem("no-such-code", "message")


def test_severity_comes_from_the_registry() -> None:
    assert Problem(codes.PARTIAL_QUARTER, "m").severity == "warning"
    assert Problem(codes.NOT_A_NUMBER, "m").severity == "error"
    with pytest.raises(TypeError):
        Problem(codes.NOT_A_NUMBER, "m", severity="warning")  # type: ignore[call-arg]


def test_a_schema_naming_an_unregistered_code_is_refused() -> None:
    from xlperf.schema import _expand_columns

    with pytest.raises(UnknownProblemCode, match="unknown-typo"):
        _expand_columns({"columns": [{"name": "X", "type": "text", "unknown": "unknown-typo"}]})
