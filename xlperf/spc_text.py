"""``xlperf spc`` output: the chart as JSON or as a readable table."""

from __future__ import annotations

import json

from .domain.spc import RULE_NAMES, SpcResult

LABELS = {
    "common_cause": "common cause",
    "special_cause_improvement": "special cause: improvement",
    "special_cause_concern": "special cause: concern",
    "special_cause_neutral_high": "special cause: high (neutral)",
    "special_cause_neutral_low": "special cause: low (neutral)",
    "consistent_pass": "consistently passes the target",
    "consistent_fail": "consistently fails the target",
    "inconsistent": "hit and miss: the target is within the limits",
}


def spc_json(result: SpcResult) -> str:
    return json.dumps(result.to_json(), indent=2)


def _num(x: float | None) -> str:
    return "" if x is None else f"{x:,.2f}"


def _value(x: float | None) -> str:
    return "" if x is None else f"{x:,g}"


def spc_table(result: SpcResult) -> str:
    header = ["period", "value", "mean", "lower limit", "upper limit", "point type", "signal"]
    rows = [header]
    for p in result.points:
        rows.append([p.period, _value(p.value), _num(p.mean), _num(p.lpl), _num(p.upl),
                     LABELS.get(p.point_type or "", ""), p.special_cause or ""])
    widths = [max(len(r[i]) for r in rows) for i in range(len(header))]
    right = {1, 2, 3, 4}
    lines = ["  ".join(c.rjust(w) if i in right else c.ljust(w)
                       for i, (c, w) in enumerate(zip(r, widths, strict=True))).rstrip()
             for r in rows]
    lines.append("")
    lines.append(f"Variation: {LABELS.get(result.variation or '', 'none')}")
    if result.assurance is not None:
        lines.append(f"Assurance: {LABELS[result.assurance]}")
    fired = sorted({p.rule for p in result.points if p.rule})
    if fired:
        lines.append("Rules that fired: " + "; ".join(RULE_NAMES[r] for r in fired))
    return "\n".join(lines)
