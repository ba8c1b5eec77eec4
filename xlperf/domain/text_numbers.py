"""Numbers in analysts' text, reconciled (issue 16, family 6).

Every analyst-typed text that reaches the pack (reasons, Report text, narratives, tracker
comments...) is read by :func:`analyst_texts`; the phrases of ``data/text_numbers.yaml`` say
which number in it states which figure of the catalogue (:mod:`xlperf.domain.figures`), and
:func:`claims` compares each such number with xlperf's figure. A number no phrase names is
left alone: it is not a figure xlperf computes.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from functools import cache, lru_cache
from typing import Any, NamedTuple

from ..model import Dataset
from ..periods import FinancialYear, Quarter
from ..schema import load_data
from .figures import Computed, FigureKey, Printed, agrees, compute, kinds, ward_sectors
from .statement import national_data


class AnalystText(NamedTuple):
    """One analyst-typed text: what it is, its words, the input cell it was typed in, the
    quarter it speaks of, where the pack shows it and the variables its phrases may use."""

    kind: str
    label: str
    text: str
    cell: str
    quarter: Quarter
    shown: str
    variables: Mapping[str, str]


class Claim(NamedTuple):
    """A number in an analyst text that states a figure xlperf computes."""

    source: AnalystText
    printed: str  # the number as typed, e.g. "33%"
    value: Printed
    sentence: str  # the words of the phrase it was read in
    computed: Computed

    @property
    def agrees(self) -> bool:
        return agrees(self.value, self.computed.value)


# -- the phrases -------------------------------------------------------------------------

_NUMBER = r"[-\u2212]?\d(?:[\d,]*\d)?(?:\.\d+)?%?"
_FY = r"(?:19|20)?\d\d\s?[/-]\s?\d\d(?!\d)"
_QUARTER = r"Q[1-4](?:\s+(?:19|20)\d\d[/-]\d\d)?"
_ELLIPSIS = r"(?:[^.;]|\.(?=\d)){0,100}?"
_START = r"(?:^|(?<=[.;:]\s)|(?<=\n)|(?<=^-\s)|(?<=\n-\s)|(?<=\u2022\s))"
_END = r"(?=\s*(?:[.,;:)]|$)|[ \t]*\n)"
_TOKEN = re.compile(r"\{(\w+)(?::(\w+))?\}|\[([^\]]+)\](\?\s*)?|\s*\.\.\.\s*|^\^\s*|\s*\$$")


#: A phrase's necessary words: each group is a choice of alternatives, each alternative
#: the pieces of text (lower case ASCII) it needs; see :func:`needed_words`.
Needs = tuple[tuple[tuple[str, ...], ...], ...]


class Phrase(NamedTuple):
    """A phrase of data/text_numbers.yaml: its expression, figures and words.

    ``single`` and ``choices`` are ``needs`` split (:func:`split_needs`): the pieces every
    match needs (groups of one alternative), and the other groups."""

    text: str
    figures: Mapping[str, Mapping[str, str]]
    needs: Needs
    single: tuple[str, ...]
    choices: Needs

    @property
    def source(self) -> str:
        """The regular expression (compiled with re.IGNORECASE when first needed), worked
        out only for a phrase whose words a text holds (:meth:`may_match`)."""
        return _phrase_source(self.text)[0]

    @property
    def words(self) -> Mapping[str, str]:
        """Slot -> word list name."""
        return _phrase_source(self.text)[1]

    @property
    def pattern(self) -> re.Pattern[str]:
        return _compiled(self.source)

    def may_match(self, folded: str) -> bool:
        """False when the phrase cannot match a text (:func:`folded`): one of its words is
        not in it. Compiling and running the 36 phrases' expressions over every text was
        most of the time of reading the texts; a text holds few of the phrases' words."""
        single, choices = self.single, self.choices
        for piece in single:
            if piece not in folded:
                return False
        return all(any(all(piece in folded for piece in alternative)
                       for alternative in group) for group in choices)


def split_needs(needs: Needs) -> tuple[tuple[str, ...], Needs]:
    """The pieces every match needs (groups of one alternative), and the other groups."""
    single = tuple(piece for group in needs if len(group) == 1 for piece in group[0])
    return single, tuple(group for group in needs if len(group) > 1)


@cache
def _compiled(source: str) -> re.Pattern[str]:
    return re.compile(source, re.IGNORECASE)


#: The only characters other than ASCII letters that re.IGNORECASE matches with an ASCII
#: letter (İ ı with i, ſ with s, the Kelvin sign with k), as the letter they match.
_CASE_EXTRA = str.maketrans({"\u0130": "i", "\u0131": "i", "\u017f": "s", "\u212a": "k"})


def folded(text: str) -> str:
    """``text`` as :meth:`Phrase.may_match` compares it: an ASCII letter stands wherever
    re.IGNORECASE would match it, in lower case."""
    if "\u0130" in text or "\u0131" in text or "\u017f" in text or "\u212a" in text:
        text = text.translate(_CASE_EXTRA)
    return text.lower()


def _pieces(words: str) -> tuple[str, ...]:
    """The pieces of text that words of a phrase (literally, any case) need: ``x?`` leaves
    the character out, so the text around it is needed piece by piece; pieces other than
    ASCII are left out (re.IGNORECASE may match them otherwise than ``lower``)."""
    out: list[str] = []
    for word in words.split():
        parts = word.split("?")
        for i, part in enumerate(parts):
            piece = (part if i == len(parts) - 1 else part[:-1]).lower()
            if piece and piece.isascii():
                out.append(piece)
    return tuple(out)


@cache
def _listed_words(name: str) -> tuple[tuple[str, ...], ...]:
    """The pieces of each word of the word list ``name`` (one of them fills its slot)."""
    return tuple(_pieces(word) for word in word_lists()[name])


def needed_words(text: str) -> Needs:
    """What a phrase of data/text_numbers.yaml needs in a text to match it: its words, one
    of the choices of each ``[a|b]`` (not ``[a|b]?``) and one of the words of each
    ``{name:words}`` slot. Other slots, ``...``, ``^`` and ``$`` need nothing."""
    groups: list[tuple[tuple[str, ...], ...]] = []
    at = 0
    for match in _TOKEN.finditer(text):
        literal = _pieces(text[at:match.start()])
        groups += [((piece,),) for piece in literal]
        options: tuple[tuple[str, ...], ...] = ()
        if match.group(3) and not match.group(4):
            options = tuple(_pieces(o) for o in match.group(3).split("|"))
        elif match.group(1) and match.group(2):
            options = _listed_words(match.group(2))
        if options and all(options):
            groups.append(options)
        at = match.end()
    groups += [((piece,),) for piece in _pieces(text[at:])]
    return tuple(groups)


@lru_cache(maxsize=1)
def _data() -> dict[str, Any]:
    return load_data("text_numbers")


@lru_cache(maxsize=1)
def word_lists() -> dict[str, dict[str, str]]:
    """Word lists of the {slot:words} slots: data/text_numbers.yaml plus the wards."""
    lists = {name: {str(k).lower(): str(v) for k, v in words.items()}
             for name, words in _data()["words"].items()}
    lists["ward"] = {w.lower(): w for w in ward_sectors()}
    return lists


def _literal(chunk: str) -> str:
    """Words as a regular expression: any spacing between them, a word boundary at each end,
    and ``x?`` leaving the character out."""
    out = r"\s+".join(re.escape(part).replace("\\?", "?") for part in chunk.split())
    if chunk[:1].isspace():
        out = r"\s+" + out if out else r"\s+"
    elif out and chunk[0].isalnum():
        out = r"\b" + out
    if chunk[-1:].isspace() and chunk.strip():
        out += r"\s+"
    elif chunk.strip() and chunk[-1].isalnum():
        out += r"\b"
    return out


def compile_phrase(text: str) -> tuple[re.Pattern[str], dict[str, str]]:
    """A phrase of data/text_numbers.yaml as a regular expression with a group per slot."""
    source, words = phrase_source(text)
    return _compiled(source), words


@cache
def _phrase_source(text: str) -> tuple[str, dict[str, str]]:
    return phrase_source(text)


def phrase_source(text: str) -> tuple[str, dict[str, str]]:
    """A phrase's regular expression (for re.IGNORECASE) and its slots' word lists."""
    parts: list[str] = []
    words: dict[str, str] = {}
    at = 0
    for match in _TOKEN.finditer(text):
        if match.start() > at:
            parts.append(_literal(text[at:match.start()]))
        name, listed, choice = match.group(1), match.group(2), match.group(3)
        if name and listed:
            options = sorted(word_lists()[listed], key=len, reverse=True)
            alternatives = "|".join(r"\s+".join(map(re.escape, o.split())) for o in options)
            parts.append(rf"(?P<{name}>\b(?:{alternatives})\b)")
            words[name] = listed
        elif name and name.endswith("_fy"):
            parts.append(rf"(?P<{name}>{_FY})")
        elif name and name.endswith("_quarter"):
            parts.append(rf"(?P<{name}>\b{_QUARTER})")
        elif name:
            parts.append(rf"(?P<{name}>{_NUMBER})")
        elif match.group(0).strip() == "^":
            parts.append(_START)
        elif match.group(0).strip() == "$":
            parts.append(_END)
        elif choice:
            options = [o.strip() for o in choice.split("|")]
            either = r"\b(?:" + "|".join(r"\s+".join(map(re.escape, o.split()))
                                        for o in options) + r")\b"
            # "[a|b]? " is either word and its space, or nothing
            parts.append(rf"(?:{either}\s*)?" if match.group(4) else either)
        else:
            parts.append(r"\s*" + _ELLIPSIS + r"\s*")
        at = match.end()
    if at < len(text):
        parts.append(_literal(text[at:]))
    return "".join(parts), words


@lru_cache(maxsize=1)
def phrases() -> tuple[Phrase, ...]:
    out: list[Phrase] = []
    for entry in _data()["phrases"]:
        text = str(entry["phrase"])
        needs = needed_words(text)
        out.append(Phrase(text, {k: {kk: str(vv) for kk, vv in v.items()}
                                 for k, v in entry["figures"].items()},
                          needs, *split_needs(needs)))
    return tuple(out)


@lru_cache(maxsize=1)
def _approximate() -> re.Pattern[str]:
    words = sorted((str(w) for w in _data()["approximate"]), key=len, reverse=True)
    return re.compile(r"(?:^|\W)(?:" + "|".join(re.escape(w) for w in words) + r")\s*$",
                      re.IGNORECASE)


@lru_cache(maxsize=1)
def _falls() -> re.Pattern[str]:
    words = sorted((str(w) for w in _data()["falls"]), key=len, reverse=True)
    return re.compile(r"\b(?:" + "|".join(re.escape(w) for w in words) + r")\b",
                      re.IGNORECASE)


# -- periods and variables ------------------------------------------------------------------

def _fy_text(text: str) -> str:
    """``2019/20``, ``2019-20`` or ``19/20`` as ``2019-20``."""
    first, second = re.split(r"\s?[/-]\s?", text.strip())
    start = int(first) if len(first) == 4 else 2000 + int(first)
    return FinancialYear.parse(f"{start}-{second}").label


def _quarter_text(text: str, own: Quarter) -> str:
    """``Q3`` (of the text's year, or the year before when later than the text's quarter)
    or ``Q3 2021-22``."""
    parts = text.split()
    if len(parts) > 1:
        return Quarter.parse(f"{parts[0]} {_fy_text(parts[1])}").label
    number = int(parts[0][1])
    fy = own.fy if number <= own.number else own.fy.shift(-1)
    return Quarter(fy, number).label


def period_variables(quarter: Quarter) -> dict[str, str]:
    return {"quarter": quarter.label, "previous_quarter": quarter.previous().label,
            "same_quarter_last_year": quarter.same_quarter_last_year().label,
            "qn": f"Q{quarter.number}", "fy": quarter.fy.label,
            "fy-1": quarter.fy.shift(-1).label, "fy-2": quarter.fy.shift(-2).label}


def _fill(template: str, variables: Mapping[str, str]) -> str | None:
    """``template`` with its {variables}; None when one is not given."""
    missing = False

    def put(match: re.Match[str]) -> str:
        nonlocal missing
        value = variables.get(match.group(1))
        if value is None:
            missing = True
            return ""
        return value

    filled = re.sub(r"\{([\w-]+)\}", put, template)
    return None if missing else filled


def _is_change(kind: str) -> bool:
    spec = kinds().get(kind, {})
    return "change" in kind or spec.get("unit") == "points"


# -- reading a text ---------------------------------------------------------------------------

def _number(token: str) -> Printed:
    clean = token.replace("\u2212", "-").replace(",", "").rstrip("%")
    decimals = len(clean.split(".")[1]) if "." in clean else 0
    return Printed(float(clean), decimals)


def claims(ds: Dataset, source: AnalystText) -> list[Claim]:
    """The numbers of ``source`` that a phrase names, each with xlperf's figure (numbers whose
    figure xlperf cannot compute from the input are left out)."""
    text = source.text.replace("**", "")
    lower = folded(text)
    taken: set[int] = set()
    out: list[tuple[int, Claim]] = []
    for phrase in phrases():
        if not phrase.may_match(lower):
            continue
        for match in phrase.pattern.finditer(text):
            out.extend(_read(ds, source, text, phrase, match, taken))
    return [c for _pos, c in sorted(out, key=lambda x: x[0])]


def _read(ds: Dataset, source: AnalystText, text: str, phrase: Phrase, match: re.Match[str],
          taken: set[int]) -> Iterator[tuple[int, Claim]]:
    variables = dict(source.variables)
    try:
        for name, found in match.groupdict().items():
            if found is None:
                continue
            if name in phrase.words:
                variables[name] = word_lists()[phrase.words[name]][
                    " ".join(found.lower().split())]
            elif name.endswith("_fy"):
                variables[name] = _fy_text(found)
            elif name.endswith("_quarter"):
                variables[name] = _quarter_text(found, source.quarter)
    except ValueError:
        return  # a year or quarter that is not one: not a figure
    sentence_start = max(text.rfind(". ", 0, match.start()) + 2, text.rfind(";", 0,
                         match.start()) + 1, 0)
    previous_end = -1
    previous_sign = 1
    slots = sorted((match.start(n), n) for n in phrase.figures if match.group(n) is not None)
    for start, name in slots:
        token = match.group(name)
        before = text[previous_end:start] if previous_end >= 0 else text[
            max(sentence_start, start - 30):start]
        previous_end = match.end(name)
        spec = phrase.figures[name]
        filled = {k: _fill(v, variables) for k, v in spec.items()}
        if start in taken or any(v is None for v in filled.values()):
            continue
        if _approximate().search(text[max(0, start - 20):start]):
            continue
        kind = filled["kind"] or ""
        if kind not in kinds():
            continue
        value = _number(token.removeprefix("n="))
        if _is_change(kind):
            after = text[match.end(name):match.end(name) + 12]
            signed = token.lstrip().startswith(("-", "\u2212"))
            worded = bool(_falls().search(before) or _falls().match(after.strip()))
            follows = previous_sign < 0 and before.strip(" (") in ("n=", "")
            if not signed and (worded or follows):
                value = Printed(-value.value, value.decimals)
            previous_sign = -1 if value.value < 0 else 1
        key = FigureKey(kind, filled.get("subject") or "", filled.get("period") or "",
                        filled.get("compared") or "")
        computed = compute(ds, key)
        if computed.value is None:
            continue
        taken.add(start)
        yield start, Claim(source, token, value, match.group(0), computed)


# -- the analysts' texts that reach the pack --------------------------------------------------

@lru_cache(maxsize=1)
def _shown() -> dict[str, str]:
    return {str(k): str(v) for k, v in _data()["texts"].items()}


def _measure_variables(ds: Dataset, measure_id: str) -> dict[str, str]:
    """{measure} and the rate figures of its Value from (data/text_numbers.yaml measures)."""
    measure = next((m for m in ds.measures if m.id == measure_id), None)
    if measure is None:
        return {}
    extra = {str(k): str(v) for k, v in (_data()["measures"].get(measure.source.name)
                                         or {}).items()}
    if measure.source.name == "Crime YTD:" and measure.source.argument:
        extra["crime"] = measure.source.argument
    return {"measure": measure.id, **extra}


def analyst_texts(ds: Dataset, quarters: Sequence[Quarter]) -> list[AnalystText]:
    """Every analyst-typed text the pack for ``quarters[-1]`` shows (reasons of all the
    quarters shown), with the variables its phrases may use."""
    quarter = quarters[-1]
    shown = _shown()
    survey = {"victim_survey": str(national_data()["victim_survey"]["survey"])}
    out: list[AnalystText] = []
    by_measure: dict[str, dict[str, str]] = {}

    def measure_variables(measure_id: str) -> dict[str, str]:
        found = by_measure.get(measure_id)
        if found is None:
            found = by_measure[measure_id] = _measure_variables(ds, measure_id)
        return found

    def add(kind: str, label: str, text: str, cell: str, at: Quarter,
            variables: Mapping[str, str] | None = None, **where: str) -> None:
        if text and re.search(r"\d", text):
            out.append(AnalystText(kind, label, text, cell, at, shown[kind].format(**where),
                                   {**period_variables(at), **survey, **(variables or {})}))

    for q in quarters:
        for measure in ds.measures:
            entry = ds.measure_values.get((measure.id, q))
            if entry is not None:
                add("measure reason", f"{measure.id} reason", entry.reason,
                    entry.reason_cell or entry.reported_cell, q,
                    measure_variables(measure.id))
        for priority, _heading in ds.priorities:
            grade = ds.priority_grades.get((priority, q))
            if grade is not None:
                add("priority reason", f"{priority} reason", grade.reason,
                    grade.reason_cell or grade.cell, q)
    paragraphs = _data()["paragraphs"]
    for own in ds.report_text:
        pid, _sep, item = own.paragraph.partition(":")
        variables = {str(k): str(v) for k, v in (paragraphs.get(pid) or {}).items()}
        if pid == "measure.bullet" and item:
            variables.update(measure_variables(item))
        add("report text", f"Report text {own.paragraph}", own.text, own.cell, quarter,
            variables, paragraph=own.paragraph)
    for key in ("Report summary", "Purpose", "Recommendation"):
        value = ds.settings.get(key)
        if isinstance(value, str):
            add("report setting", f"Settings {key}", value, ds.settings_cells.get(key, ""),
                quarter, setting=key)
    for (priority, q), narrative in ds.narratives.items():
        if q == quarter:
            add("narrative", f"Narrative: {priority}", narrative.text, narrative.cell, quarter,
                priority=priority)
    for measure in ds.measures:
        add("measure text", f"{measure.id} measure of success", measure.text,
            measure.text_cell or measure.cell, quarter,
            measure_variables(measure.id))
        add("measure aim", f"{measure.id} aim", measure.aim, measure.aim_cell, quarter,
            measure_variables(measure.id))
    for (_metric, q), metric in ds.national_metrics.items():
        if q == quarter and metric.value is None:
            add("national metric reason", f"{metric.metric} not available", metric.reason,
                metric.reason_cell or metric.cell, quarter)
    for rec in ds.recommendations:
        report = {"report": rec.report}
        add("hmicfrs comments", f"{rec.report} rec {rec.number} comments", rec.comments,
            rec.comments_cell or rec.cell, quarter, report)
        add("hmicfrs position", f"{rec.report} rec {rec.number} position", rec.position,
            rec.position_cell or rec.cell, quarter, report)
    seen: set[str] = set()
    for kpa in ds.kpas:
        if kpa.position not in seen:
            seen.add(kpa.position)
            add("kpa position", f"KPA {kpa.kpa} current position", kpa.position,
                kpa.position_cell or kpa.cell, quarter)
    return out


def text_claims(ds: Dataset, quarters: Sequence[Quarter]) -> list[Claim]:
    """Every number in the analysts' texts that states a figure xlperf computes."""
    return [c for source in analyst_texts(ds, quarters) for c in claims(ds, source)]
