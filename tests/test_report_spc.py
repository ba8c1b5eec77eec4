"""The Report's prose on the SPC series: a sentence per series the SPC sheet charts, from the
same XmR computation ("within the normal range of variation" or the special cause named)."""

from __future__ import annotations

from typing import Any

from xlperf.domain.narrative import narrative_data, spc_variation_words

#: NHSRplotthedots' special-cause labels (ptd_add_special_cause_column), which the domain
#: copies: each must have committee words.
LABELS = ("Above UCL", "Below LCL", "7 Point Trend (Increasing)", "7 Point Trend (Decreasing)",
          "2 in 3 Above CL", "2 in 3 Below CL", "7 Points Above CL", "7 Points Below CL")


def test_variation_in_words() -> None:
    assert spc_variation_words("common_cause", None, "March 2022") == (
        "within the normal range of variation to March 2022")
    assert spc_variation_words("special_cause_concern", "7 Points Above CL", "March 2022") == (
        "a special-cause concern to March 2022: 7 months above the mean")
    assert spc_variation_words("special_cause_improvement", "Below LCL", "May 2021") == (
        "a special-cause improvement to May 2021: the latest month below the lower limit")
    assert spc_variation_words(None, None, "", "fewer than 12 months") == (
        "no XmR chart (fewer than 12 months)")


def test_every_special_cause_label_has_words() -> None:
    signals = narrative_data()["spc_signals"]
    assert set(signals) == set(LABELS)
    assert all(isinstance(w, str) and w and w != label for label, w in signals.items())


def test_the_report_has_a_sentence_per_charted_series(demo_pack: Any) -> None:
    report = demo_pack.sheet("Report").block("tblReport")
    summary = demo_pack.sheet("SPC").block("tblSpcSummary")
    sentences = {key.split(":", 1)[1]: report.rows[i][1].value
                 for i, key in enumerate(report.row_keys) if key.startswith("spc.series:")}
    assert list(sentences) == summary.row_keys  # every charted series, in the sheet's order
    for row in summary.rows:
        series, variation, signals = row[0].value, row[1].value, str(row[4].value)
        sentence = sentences[series]
        assert sentence.startswith(f"{series}: ")
        if variation == "Common cause: no signal":
            assert sentence.endswith("within the normal range of variation to March 2022.")
        else:
            assert variation == "Special cause: concern"  # the demo's only special cause
            assert " a special-cause concern to March 2022: " in sentence
            # the signal named is the latest month's label on the SPC sheet
            label = next(lab for lab in LABELS if f"2022-03 {lab}" in signals)
            assert sentence.endswith(narrative_data()["spc_signals"][label] + ".")
    # as the SPC sheet shows them for the demo (its own test checks the method)
    assert sentences["All Crime"] == ("All Crime: a special-cause concern to March 2022: "
                                      "the latest month above the upper limit.")
    assert sentences["Robbery"] == ("Robbery: a special-cause concern to March 2022: "
                                    "7 months above the mean.")
    assert sentences["Burglary"] == ("Burglary: within the normal range of variation to "
                                     "March 2022.")
