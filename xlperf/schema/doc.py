"""Render the input workbook's schema as Markdown (docs/input-workbook.md is generated)."""

from __future__ import annotations

from . import load_schema

TYPE_TEXT = {
    "text": "text", "count": "whole number >= 0 (blank = no data)", "number": "number",
    "percent": "percent 0-100", "fy": "financial year (2021-22)", "year": "calendar year",
    "quarter": "Q1-Q4", "date": "date", "yesno": "Yes / No", "any": "any",
    "rule": "rule name", "threshold": "comparison such as `>= 5`",
    "value_source": "`Measure values` or a computed series (xlperf/data/value_sources.yaml)",
}


def markdown() -> str:
    schema = load_schema()
    lines = [
        "# The quarterly performance workbook",
        "",
        "Generated from `xlperf/schema/input.yaml` by `python -m xlperf.schema.doc`; do not "
        "edit by hand. `xlperf init PATH` writes an empty workbook in this layout.",
        "",
        "Each dataset is an Excel table (ListObject) with the headers below, in any position "
        "on its sheet. A blank month means no data, never 0. Percentages are 0-100.",
        "",
        "Numbers must be finite (never NaN or INF) and within their type's range: "
        + "; ".join(f"{kind} {low:,.0f} to {high:,.0f}"
                    for kind, (low, high) in schema.limits.items() if kind != "text")
        + f". Texts are at most {schema.limits['text'][1]:,.0f} characters (names and "
        "identifiers 255), and hold no control characters.",
        "",
    ]
    for table in schema.tables:
        lines += [f"## {table.title}", "",
                  f"Sheet `{table.sheet}`, table `{table.name}`. {table.about}".rstrip(), ""]
        if table.key:
            lines += [f"Each row is unique by: {', '.join(table.key)}.", ""]
        lines += ["| column | type | required |", "|---|---|---|"]
        months = [c for c in table.columns if c.month]
        for column in table.columns:
            if column.month:
                if column is months[0]:
                    lines.append(f"| {months[0].name} .. {months[-1].name} | "
                                 f"{TYPE_TEXT['count']} | |")
                continue
            if column.type == "choice":
                options = schema.choices[column.choices or ""]
                kind = "one of: " + ", ".join(options) if len(options) <= 8 else (
                    f"one of the {len(options)} {column.choices} (drop-down)")
            elif column.type == "ref":
                kind = f"a value of {column.ref}"
            else:
                kind = TYPE_TEXT.get(column.type, column.type)
            lines.append(f"| {column.name} | {kind} | {'yes' if column.required else ''} |")
        lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":
    print(markdown(), end="")
