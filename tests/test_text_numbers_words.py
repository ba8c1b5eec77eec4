"""A phrase of xlperf/data/text_numbers.yaml is skipped for a text only where it cannot match:
``Phrase.may_match`` (the phrase's necessary words) never drops a match of its expression."""

from __future__ import annotations

import random
import re

from xlperf.domain.text_numbers import folded, needed_words, phrases, word_lists


def _slot(match: re.Match[str], rng: random.Random) -> str:
    """A value for a phrase's slot: a listed word, a year, a quarter or a number."""
    name, listed = match.group(1), match.group(2)
    if listed:
        return rng.choice(sorted(word_lists()[listed]))
    if name.endswith("_fy"):
        return rng.choice(["2019/20", "20/21"])
    if name.endswith("_quarter"):
        return rng.choice(["Q3", "Q2 2021/22"])
    return rng.choice(["12%", "1,234", "-5", "0.5%"])


def _text_like(phrase: str, rng: random.Random) -> str:
    """Words of ``phrase`` as an analyst might type them: slots filled, case and spacing
    changed, letters swapped for the ones re.IGNORECASE matches with them."""
    text = re.sub(r"\{(\w+)(?::(\w+))?\}", lambda m: _slot(m, rng), phrase)
    text = re.sub(r"\[([^\]]+)\]\??",
                  lambda m: rng.choice([*m.group(1).split("|"), ""]), text)
    text = text.replace("...", rng.choice(["", " a notable ", " some. words "]))
    text = text.replace("^", "").replace("$", rng.choice(["", ".", " in the City"]))
    text = "".join(c.upper() if rng.random() < 0.3 else c for c in text)
    for plain, other in (("s", "\u017f"), ("k", "\u212a"), ("i", "\u0131"), ("I", "\u0130")):
        if rng.random() < 0.2:
            text = text.replace(plain, other)
    return re.sub(" ", lambda _m: rng.choice([" ", " ", " ", "  ", "\n"]), text)


def test_a_phrase_is_skipped_only_where_it_cannot_match() -> None:
    rng = random.Random(16)
    all_phrases = phrases()
    texts = [_text_like(p.text, rng) for p in all_phrases for _ in range(8)]
    texts += [_text_like(rng.choice(all_phrases).text, rng) + ". "
              + _text_like(rng.choice(all_phrases).text, rng) for _ in range(100)]
    matched = skipped = 0
    for text in texts:
        lower = folded(text)
        for phrase in all_phrases:
            found = phrase.pattern.search(text) is not None
            matched += found
            if not phrase.may_match(lower):
                skipped += 1
                assert not found, (phrase.text, text)
    assert matched > 200 and skipped > 1000  # the texts test both sides


def test_needed_words() -> None:
    assert needed_words("Treatment:? {p} Satisfied") == ((("treatment",),), (("satisfied",),))
    assert needed_words("[ASB|anti-social behaviour] ... n={now} [a|b]? x") == (
        (("asb",), ("anti-social", "behaviour")), (("n=",),), (("x",),))
    assert ("all", "crime") in needed_words("{c:crime} for {total}")[0]  # a listed word
    assert folded("\u0130t\u017f \u212aEY") == "its key"
