"""Demo rows for tblHMICFRSPublished: the HMICFRS counts seed 001 printed (issue 9).

    hmicfrs_published_rows(seed)   Table | Report | Type | Status | Previous report |
                                   Current report | Source

Rows come from scripts/seed_figures.yaml (hmicfrs.summary_table and
hmicfrs.per_report_counts), as printed: the pack reconciles them with the recommendation
list, so the seed's contradictions (the per-report Amber cells add up to 12 where the
summary prints 15; the previous "1 Green" of the Hestia report against the summary's
"Green (pending HMICFRS sign-off) 1") are kept, not corrected. The summary's "Total
Recommendations not yet delivered" row is not typed: the pack computes it (Amber + Red).
"""

from __future__ import annotations

import re

_LABELS = {
    "green (pending hmicfrs sign-off)": "GREEN - pending HMICFRS sign off",
    "green": "GREEN",
    "amber": "AMBER",
    "red": "RED",
    "white": "WHITE",
}
_CELL = re.compile(r"^\s*(\d+)\s+(.+?)\s*$")


def _status(label: str) -> str | None:
    return _LABELS.get(" ".join(label.split()).lower())


def _cells(entries: list[str] | None) -> list[tuple[str, int]]:
    """["1 Green", "1 Amber"] -> [("GREEN", 1), ("AMBER", 1)]."""
    out = []
    for entry in entries or []:
        match = _CELL.match(entry)
        assert match, entry
        status = _status(match.group(2))
        assert status, entry
        out.append((status, int(match.group(1))))
    return out


def hmicfrs_published_rows(seed: dict) -> list[list]:
    hmicfrs = seed["hmicfrs"]
    rows: list[list] = []
    for row in hmicfrs["summary_table"]["rows"]:
        status = _status(row["status"])
        if status is None:  # the "Total ... not yet delivered" row: computed by the pack
            continue
        rows.append(["Summary", None, None, status, row["previous_feb_2022"],
                     row["current_may_2022"], f"seed {row['source']}"])
    for row in hmicfrs["per_report_counts"]["rows"]:
        counts: dict[tuple[str, str], list] = {}
        for column, type_, index in (("previous_national", "National", 0),
                                     ("previous_force", "Force", 0),
                                     ("current_national", "National", 1),
                                     ("current_force", "Force", 1)):
            for status, n in _cells(row[column]):
                # The per-report table counts OPEN recommendations (line 1632): an open
                # "Green" is one pending HMICFRS sign-off, as the summary counts it (line
                # 1560: "Green (pending HMICFRS sign-off) 1" previous). A plain GREEN here
                # would be a disagreement that is not in the documents.
                if status == "GREEN":
                    status = "GREEN - pending HMICFRS sign off"
                counts.setdefault((type_, status), [None, None])[index] = n
        for (type_, status), (previous, current) in counts.items():
            rows.append(["Per report", row["report"], type_, status, previous, current,
                         f"seed {row['source']}"])
    return rows


if __name__ == "__main__":
    from pathlib import Path

    import yaml

    seed = yaml.safe_load((Path(__file__).parent / "seed_figures.yaml").read_text("utf-8"))
    for r in hmicfrs_published_rows(seed):
        print(r[:6])
