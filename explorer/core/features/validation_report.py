"""The text `inference-explorer validate` prints: every row, then the error summaries."""

from __future__ import annotations

from explorer.core.features.validation import Row, summary
from explorer.core.text.printable import one_line


def _row_line(r: Row) -> str:
    f = {k: one_line(v, 60) for k, v in r.fields.items()}  # a file's text: one line, no control characters
    what = (f"{f.get('model', '')} on {f.get('devices') or 1}× {f.get('hardware', '')}, {f.get('weights', '')}, "
            f"b{f.get('batch', '')} p{f.get('prompt', '')} g{f.get('generate', '')}")
    if r.reason:
        return f"{r.index:4}  {what:60} {one_line(r.metric, 40):22} NOT PREDICTED: {one_line(r.reason, 300)}"
    note = f"  ({'; '.join(r.notes)})" if r.notes else ""
    return (f"{r.index:4}  {what:60} {r.metric:22} measured {r.measured:>10,.4g}  model {r.predicted:>10,.4g}  "
            f"{r.error:+7.1%}  [{r.runtime}]{note}")


def _table(title: str, groups: dict) -> list[str]:
    lines = [f"{title}:"]
    for key, st in groups.items():
        lines.append(f"  {key:50} n={st['n']:3}  median |error| {st['median_abs_error']:6.1%}  "
                     f"p90 {st['p90_abs_error']:6.1%}  median signed {st['median_signed_error']:+6.1%}")
    return lines


def text_report(rows: list[Row]) -> str:
    s = summary(rows)
    lines = ["  row  scenario" + " " * 55 + "metric                 measured / model / error (model ÷ measured − 1)"]
    lines += [_row_line(r) for r in rows]
    lines.append("")
    lines.append(f"{s['predicted']} of {s['rows']} rows predicted"
                 + (f"; {s['unpredicted']} could not be (reasons above)" if s["unpredicted"] else ""))
    for title, key in (("By metric", "by_metric"), ("By runtime", "by_runtime"), ("By hardware", "by_hardware")):
        if s[key]:
            lines.append("")
            lines += _table(title, s[key])
    return "\n".join(lines)
