"""The comparison with a baseline as Markdown (report.md, the terminal) and HTML (report.html)."""

from __future__ import annotations

import html

from evals.compare import HEADLINE, Flip, SetComparison, counts
from evals.report import LOWER_IS_BETTER
from evals.summary import Figure

CELL = 300  # characters of an answer shown in a Markdown cell; report.html shows it whole


def _value(figure: Figure | None) -> str:
    return "n/a" if figure is None or figure.value is None else f"{figure.value:.2f}"


def delta(metric: str, before: Figure | None, after: Figure | None) -> str:
    """'+0.05 better', '-0.10 worse', '±0' or 'n/a' when either side is unscored."""
    if before is None or after is None or before.value is None or after.value is None:
        return "n/a"
    change = after.value - before.value
    if abs(change) < 0.005:
        return "±0"
    better = (change < 0) == (metric in LOWER_IS_BETTER)
    return f"{change:+.2f} {'better' if better else 'worse'}"


def _cell(text: str, limit: int = CELL) -> str:
    text = text if len(text) <= limit else text[: limit - 1] + "…"
    # Escaped so GitHub's renderer shows "<tag>" in an answer rather than dropping it.
    text = html.escape(text, quote=False)
    return text.replace("|", "\\|").replace("\n", " ")


def _why(flip: Flip) -> str:
    verdict = flip.after_verdict if flip.kind != "fixed" else flip.before_verdict
    old, new = flip.before_verdict.status, flip.after_verdict.status
    reasons = verdict.failed or [f"verdict {old} → {new}" if old != new else f"{new} in both runs"]
    return ("was: " if flip.kind == "fixed" else "") + "; ".join(reasons)


def comparison_markdown(comparisons: list[SetComparison], baseline: str) -> str:
    """A '## Compared with the baseline' section: per backend and question set."""
    lines = ["## Compared with the baseline", "", f"Baseline: `{baseline}`", ""]
    for item in comparisons:
        lines += [f"### {item.backend} · {item.question_set or 'questions'}", ""]
        if item.why_not:
            lines += [f"Not compared: {item.why_not}.", ""]
            continue
        if item.note:
            lines += [f"Note: {item.note}.", ""]
        lines += ["| metric | before | after | change |", "|---|---|---|---|"]
        for metric in HEADLINE:
            before, after = item.before.get(metric), item.after.get(metric)
            lines.append(f"| {metric} | {_value(before)} | {_value(after)} | "
                         f"{delta(metric, before, after)} |")  # fmt: skip
        tally = counts(item)
        lines += ["", " · ".join(f"{kind}: {n}" for kind, n in tally.items()), ""]
        if item.flips:
            lines += [
                "| flip | id | question | before | after | why |",
                "|---|---|---|---|---|---|",
            ]
            for f in item.flips:
                lines.append(f"| {f.kind} | {f.id} | {_cell(f.question)} | {_cell(f.before)} | "
                             f"{_cell(f.after)} | {_cell(_why(f))} |")  # fmt: skip
            lines.append("")
    return "\n".join(lines) + "\n"


def comparison_html(comparisons: list[SetComparison], baseline: str) -> str:
    """The same section as HTML, every piece of question or answer text escaped."""
    esc = html.escape
    parts = [f"<h2>Compared with the baseline</h2><p>Baseline: <code>{esc(baseline)}</code></p>"]
    for item in comparisons:
        parts.append(f"<h3>{esc(item.backend)} · {esc(item.question_set or 'questions')}</h3>")
        if item.why_not:
            parts.append(f"<p>Not compared: {esc(item.why_not)}.</p>")
            continue
        if item.note:
            parts.append(f"<p>Note: {esc(item.note)}.</p>")
        parts.append("<table><tr><th>metric</th><th>before</th><th>after</th><th>change</th></tr>")
        for metric in HEADLINE:
            before, after = item.before.get(metric), item.after.get(metric)
            change = delta(metric, before, after)
            css = " class='bad'" if change.endswith("worse") else ""
            parts.append(f"<tr><td>{esc(metric)}</td><td>{_value(before)}</td>"
                         f"<td>{_value(after)}</td><td{css}>{esc(change)}</td></tr>")  # fmt: skip
        parts.append("</table><p>" + esc(" · ".join(f"{k}: {n}" for k, n in counts(item).items())))
        parts.append("</p><table><tr><th>flip</th><th>id</th><th>question</th><th>before</th>"
                     "<th>after</th><th>why</th></tr>")  # fmt: skip
        for f in item.flips:
            css = " class='bad'" if f.kind == "broken" else ""
            parts.append(f"<tr{css}><td>{esc(f.kind)}</td><td>{esc(f.id)}</td>"
                         f"<td>{esc(f.question)}</td><td>{esc(f.before)}</td>"
                         f"<td>{esc(f.after)}</td><td>{esc(_why(f))}</td></tr>")  # fmt: skip
        parts.append("</table>")
    return "\n".join(parts)
