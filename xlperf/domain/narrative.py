"""The committee report's prose as pure computations: the paragraph templates
(data/narrative.yaml), the words the committee papers use for changes, and each measure's
position in a sentence.

The figures the paragraphs quote are given by the caller (the pack describer takes them from
the cells of its own tables), so a sentence and a table cannot show two values for one figure.
"""

from functools import lru_cache
from typing import Any, NamedTuple

from ..arithmetic import fmt_percent, round_half_away
from ..model import Dataset
from ..periods import Quarter
from ..schema import load_data
from .grading import ANNUAL, GRADED, NEW, MeasureGrade, PriorityGrade
from .rules import GRADES, Reference, RuleKind
from .statement import fill, placeholders


class Paragraph(NamedTuple):
    """A paragraph of the Report (data/narrative.yaml): its id, text and what it repeats for."""

    id: str
    text: str
    each: str | None = None  # "measure", "priority", "spc_series" or None


class Section(NamedTuple):
    """A section of the Report: its heading and paragraphs."""

    heading: str
    paragraphs: tuple[Paragraph, ...]


@lru_cache(maxsize=1)
def narrative_data() -> dict[str, Any]:
    return load_data("narrative")


def sections() -> tuple[Section, ...]:
    return tuple(
        Section(str(s["heading"]), tuple(
            Paragraph(str(p["id"]), " ".join(str(p["text"]).split()), p.get("each"))
            for p in s["paragraphs"]))
        for s in narrative_data()["sections"])


def paragraph_ids() -> tuple[str, ...]:
    return tuple(p.id for s in sections() for p in s.paragraphs)


def figure_names() -> tuple[str, ...]:
    return tuple(narrative_data()["figures"])


def unknown_placeholders(text: str) -> list[str]:
    known = set(figure_names())
    return [name for name in placeholders(text) if name not in known]


def fill_text(text: str, figures: dict[str, str]) -> str:
    return fill(text, figures)


# -- words -----------------------------------------------------------------------------------


def article(number_text: str) -> str:
    """``a`` or ``an`` before a number as it is read aloud (an 80%, an 11%, a 12%)."""
    whole = number_text.replace(",", "").split(".")[0].rstrip("%")
    spoken_vowel = whole.startswith("8") or whole in ("11", "18") or (
        len(whole) in (5, 6) and whole[:2] in ("11", "18") and len(whole) == 5)
    return "an" if spoken_vowel else "a"


def change_words(change: Any, digits: int = 0) -> str:
    """A relative change as the papers print it: ``a 12% decrease``, ``an 80% increase``."""
    if not isinstance(change, (int, float)):
        return "a change that cannot be calculated"
    if round_half_away(change * 100, digits) == 0:
        return "no change"
    shown = fmt_percent(abs(change) * 100, digits)
    return f"{article(shown)} {shown} {'increase' if change > 0 else 'decrease'}"


def points_words(points: float) -> str:
    """A change between two rates: ``a fall of 4 percentage points``."""
    rounded = round_half_away(points)
    if rounded == 0:
        return "no change in percentage points"
    size = fmt_percent(abs(points), 0).rstrip("%")
    unit = "percentage point" if abs(rounded) == 1 else "percentage points"
    return f"a {'rise' if points > 0 else 'fall'} of {size} {unit}"


def count_text(value: Any) -> str:
    if not isinstance(value, (int, float)):
        return "N/A"
    return f"{round_half_away(value):,.0f}"


def signed_count(value: Any) -> str:
    """``-2,396`` or ``2,459`` (no plus sign, as the papers print n=)."""
    return count_text(value)


def number_words(count: int) -> str:
    words = narrative_data()["numbers"]
    return str(words[count]) if 0 <= count < len(words) else f"{count:,}"


def clause(measure_text: str) -> str:
    """A measure's text as a clause: no final full stop, and a lower-case first letter when
    its first word is a common one (data/narrative.yaml ``lowercase_first_words``)."""
    words = measure_text.strip().rstrip(".").split(" ", 1)
    if words and words[0] in narrative_data()["lowercase_first_words"]:
        words[0] = words[0].lower()
    return " ".join(words)


def ordinal_words(index: int) -> str:
    words = narrative_data()["ordinals"]
    return str(words[index]) if index < len(words) else f"Measure {index + 1}"


# -- measures --------------------------------------------------------------------------------


def _value(value: float | None, unit: str) -> str:
    if value is None:
        return "N/A"
    if unit == "%":
        return fmt_percent(value, 0)
    return count_text(value)


def _periods(mgrade: MeasureGrade, quarter: Quarter) -> tuple[str, str]:
    """When the measure's value and its reference are from, in words."""
    rule = mgrade.rule
    fy = quarter.fy
    full_year = quarter.number == 4
    survey = mgrade.measure.source.name == "Survey:"
    if survey:
        value_period = f"in the {fy.label} survey"
    elif mgrade.measure.frequency == "Annual" or full_year:
        value_period = f"in {fy.label}"
    else:
        value_period = f"in {fy.label} to the end of {quarter.label.split()[0]}"
    ref = rule.reference
    if ref is Reference.FIXED:
        reference_period = "(the baseline)"
    elif survey and ref in (Reference.PREVIOUS_FY, Reference.SAME_PERIOD_LAST_YEAR):
        reference_period = f"in the {fy.shift(-1).label} survey"
    elif ref is Reference.PREVIOUS_FY:
        reference_period = f"in {fy.shift(-1).label}"
    elif ref is Reference.SAME_PERIOD_LAST_YEAR:
        reference_period = (f"in {fy.shift(-1).label}" if full_year else
                            f"in the same period of {fy.shift(-1).label}")
    elif ref is Reference.PREVIOUS_QUARTER:
        reference_period = f"in {quarter.previous().label}"
    elif ref is Reference.BASELINE_FY and rule.baseline_fy is not None:
        base = rule.baseline_fy.label
        reference_period = (f"in {base}, the baseline year" if full_year else
                            f"in the same period of {base}, the baseline year")
    else:
        reference_period = ""
    return value_period, reference_period


def measure_position(mgrade: MeasureGrade, quarter: Quarter) -> str:
    """The measure's grade and the figures behind it, in a sentence (data/narrative.yaml)."""
    templates = narrative_data()["measure_position"]
    grade = mgrade.shown
    unit = mgrade.measure.unit
    if mgrade.state in (NEW, ANNUAL) or grade not in GRADES:
        status = mgrade.text
        if mgrade.state == ANNUAL:
            status = f"reported annually as part of the {mgrade.measure.survey or 'annual survey'}"
        elif mgrade.state == NEW:
            status = f"not graded: a new measure introduced for {mgrade.measure.first_fy.label}"
        return fill(" ".join(templates["not graded"].split()), {"status": status})
    value = mgrade.value.value
    if mgrade.state != GRADED or value is None:
        return fill(" ".join(templates["no data"].split()),
                    {"grade": grade, "quarter_short": quarter.label.split()[0]})
    value_period, reference_period = _periods(mgrade, quarter)
    reference = mgrade.reference.value
    fields = {"grade": grade, "value": _value(value, unit), "value_period": value_period,
              "reference": _value(reference, unit), "reference_period": reference_period,
              "change_words": "", "n": ""}
    kind = mgrade.rule.kind
    if kind is RuleKind.RELATIVE_CHANGE and reference:
        fields["change_words"] = change_words((value - reference) / reference)
        fields["n"] = signed_count(value - reference)
    elif kind is RuleKind.POINTS_CHANGE and reference is not None:
        shown = round_half_away(value) - round_half_away(reference)
        fields["change_words"] = points_words(shown)
    else:
        kind = RuleKind.BANDS
    # the templates are keyed by the rule kind's name (data/narrative.yaml)
    text = " ".join(str(templates[kind.value]).split())
    return fill(text, fields)


# -- priorities ------------------------------------------------------------------------------


def _grade_name(pgrade: PriorityGrade) -> str:
    return pgrade.shown or "not graded"


def priority_changes(ds: Dataset, priorities: dict[tuple[str, Quarter], PriorityGrade],
                     quarter: Quarter, before: Quarter, since: str) -> str:
    """Which priorities changed grade between ``before`` and ``quarter``, in a sentence."""
    ranks = {g: i for i, g in enumerate(reversed(GRADES))}
    changed: list[str] = []
    for priority, _heading in ds.priorities:
        old = priorities.get((priority, before))
        new = priorities.get((priority, quarter))
        if old is None or new is None or old.shown == new.shown:
            continue
        if old.shown in ranks and new.shown in ranks:
            way = "improved" if ranks[new.shown or ""] > ranks[old.shown or ""] else "worsened"
            changed.append(f"{priority} has {way} from {_grade_name(old)} to {_grade_name(new)}")
        else:
            changed.append(f"{priority} has changed from {_grade_name(old)} to "
                           f"{_grade_name(new)}")
    if not changed:
        return f"Compared to {since}, every priority has kept its grade."
    listed = changed[0] if len(changed) == 1 else ", ".join(changed[:-1]) + " and " + changed[-1]
    return f"Compared to {since}, {listed}; every other priority has kept its grade." \
        if len(changed) < len(ds.priorities) else f"Compared to {since}, {listed}."


def spc_variation_words(variation: str | None, special_cause: str | None, month: str,
                        why: str = "") -> str:
    """An SPC series' latest variation as data/narrative.yaml words it: ``within the normal
    range of variation to March 2022`` or ``a special-cause concern to March 2022: 7 months
    above the mean`` (``special_cause`` is the latest point's label, as ``Above UCL``)."""
    templates = narrative_data()["spc_variation"]
    if variation is None:
        return str(templates["no chart"]).format(why=why)
    signals = narrative_data()["spc_signals"]
    signal = str(signals.get(special_cause, special_cause or ""))
    return str(templates[variation]).format(month=month, signal=signal)
