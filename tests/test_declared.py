"""What is declared as data is what the code uses: rule kinds, polarities and references are
enums that grading dispatches on, value sources are registered functions (a declared name
without one is a startup error with the file and line), crime categories and the default
settings come from xlperf/data."""

from __future__ import annotations

import ast
import functools
from pathlib import Path

import pytest
import yaml

from xlperf.domain import sources
from xlperf.domain.grading import REFERENCES
from xlperf.domain.rules import CHANGES, Reference, RuleKind, default_rules
from xlperf.model import Dataset
from xlperf.schema import load_data, load_schema

ROOT = Path(__file__).resolve().parent.parent


def test_rule_choices_are_the_enums() -> None:
    choices = load_schema().choices
    assert choices["rule_kind"] == tuple(k.value for k in RuleKind)
    assert choices["rule_kind"][:3] == ("bands", "points-change", "relative-change")
    assert choices["reference"] == tuple(r.value for r in Reference)
    raw = yaml.safe_load((ROOT / "xlperf" / "schema" / "input.yaml").read_text("utf-8"))
    assert not {"rule_kind", "polarity", "reference", "between_surveys"} & set(raw["choices"])


def test_grading_dispatches_on_every_kind_and_reference() -> None:
    # change kinds by CHANGES; bands grade the value; spc grades special causes (domain/spc)
    assert set(CHANGES) | {RuleKind.BANDS, RuleKind.SPC} == set(RuleKind)
    assert set(REFERENCES) == set(Reference)
    rule = default_rules()["CT-SURVEY-V-BASELINE"]
    assert rule.kind is RuleKind.POINTS_CHANGE and rule.reference is Reference.FIXED
    assert f"{rule.kind}, {rule.reference}" == "points-change, fixed"


@functools.cache
def _literals(folder: Path) -> dict[str, set[str]]:
    """String literals of each module, outside the bodies of the Enum classes that declare
    the vocabulary."""
    out: dict[str, set[str]] = {}
    for path in sorted(folder.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        declared = {id(n) for c in ast.walk(tree) if isinstance(c, ast.ClassDef)
                    and any(getattr(b, "id", "") == "_Declared" for b in c.bases)
                    for n in ast.walk(c)}
        out[str(path.relative_to(ROOT))] = {
            n.value for n in ast.walk(tree) if isinstance(n, ast.Constant)
            and isinstance(n.value, str) and id(n) not in declared}
    return out


def test_no_grading_vocabulary_is_compared_as_a_string() -> None:
    # "spc" is also the name of a data file (data/spc.yaml), not a rule kind there
    words = {k.value for k in RuleKind if k is not RuleKind.SPC} | {r.value for r in Reference}
    words |= {"Higher is better", "Lower is better", "carry forward"}
    found = {f"{path}: {w}" for path, lits in _literals(ROOT / "xlperf").items()
             for w in lits & words}
    # value_sources.yaml's list of fixed names is another "fixed"
    assert sorted(found - {"xlperf/domain/sources.py: fixed"}) == []


def test_crime_categories_and_the_force_come_from_data() -> None:
    data = load_data("categories")
    names = set(data["categories"]) | {s["name"] for s in data["subtotals"]}
    names |= set(data["neighbourhood_offences"])
    names -= set(load_schema().choices["public_order_series"])  # a series, named alike
    found = {f"{path}: {w}" for path, lits in _literals(ROOT / "xlperf").items()
             for w in lits & (names | {"City of London Police"})}
    assert sorted(found) == []
    assert Dataset(file="x.xlsx").force == load_data("defaults")["force_name"]
    assert Dataset(file="x.xlsx", settings={"Force name": "Kent Police"}).force == "Kent Police"


def test_every_value_source_is_a_function_described_by_its_docstring() -> None:
    registry = sources.registry()
    declared = yaml.safe_load((ROOT / "xlperf" / "data" / "value_sources.yaml").read_text())
    assert list(registry) == [*declared["fixed"], *declared["prefixed"]]
    for name, function in registry.items():
        assert function.description, name
        assert function.description == " ".join(
            (function.compute.__doc__ or "").split("\n\n")[0].split())
    assert sources.describe(sources.parse_value_source("Survey: CT_PREPARED")).startswith(
        "positive answers / all answers")


def test_a_declared_value_source_without_a_function_is_a_startup_error(monkeypatch) -> None:
    text = sources._declared_text().replace("  - \"Survey:\"\n",
                                            "  - \"Survey:\"\n  - \"Arrests YTD:\"\n")
    line = text.splitlines().index('  - "Arrests YTD:"') + 1
    monkeypatch.setattr(sources, "_declared_text", lambda: text)
    sources.registry.cache_clear()
    try:
        with pytest.raises(sources.DataError) as caught:
            sources.registry()
    finally:
        monkeypatch.undo()
        sources.registry.cache_clear()
    assert str(caught.value) == (
        f"xlperf/data/value_sources.yaml line {line}: prefixed value source 'Arrests YTD:' "
        "has no function registered with @value_source in xlperf/domain/values.py")
    assert "Survey:" in sources.registry()
