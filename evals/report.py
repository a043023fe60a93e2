"""Write an eval run as results.json, report.md and report.html (per-category bar charts)."""

from __future__ import annotations

import html
import json
from dataclasses import asdict
from pathlib import Path
from typing import Any

from evals.charts import image, png, pyplot
from evals.results_io import sample_json
from evals.runner import SampleResult
from evals.summary import Summary, metric_names

LOWER_IS_BETTER = {"hallucination_rate", "false_refusal", "injection_leak"}


def write_reports(
    results: list[SampleResult],
    summary: Summary,
    failures: list[str],
    out: Path,
    run: dict[str, Any] | None = None,
    sections: tuple[str, str] = ("", ""),
) -> list[Path]:
    """Write the three report files into ``out`` and return their paths.

    ``run`` describes the run in results.json (see ``results_io.run_info``); ``sections`` is
    extra Markdown and HTML (the baseline comparison, trends) placed before the failures.
    """
    out.mkdir(parents=True, exist_ok=True)
    paths = [out / "results.json", out / "report.md", out / "report.html"]
    data = _json(results, summary, failures, run or {})
    paths[0].write_text(json.dumps(data, indent=1), encoding="utf-8")
    paths[1].write_text(markdown_report(results, summary, failures, sections[0]), encoding="utf-8")
    paths[2].write_text(html_report(results, summary, failures, sections[1]), encoding="utf-8")
    return paths


def _json(
    results: list[SampleResult], summary: Summary, failures: list[str], run: dict[str, Any]
) -> dict[str, Any]:
    return {
        "run": run,
        "gate_failures": failures,
        "summary": {
            backend: {
                group: {m: asdict(f) for m, f in figs.items()} for group, figs in groups.items()
            }
            for backend, groups in summary.items()
        },
        "samples": [sample_json(r) for r in results],
    }


def _fmt(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f}"


def markdown_table(summary: Summary, group: str = "all") -> str:
    """One row per backend, one column per metric, for one category (or 'all')."""
    metrics = metric_names(summary)
    header = "| backend | " + " | ".join(metrics) + " |"
    rule = "|---" * (len(metrics) + 1) + "|"
    rows = [
        f"| {backend} | "
        + " | ".join(_fmt(groups[group][m].value) if group in groups else "n/a" for m in metrics)
        + " |"
        for backend, groups in summary.items()
    ]
    return "\n".join([header, rule, *rows])


def markdown_report(
    results: list[SampleResult], summary: Summary, failures: list[str], extra: str = ""
) -> str:
    """The report as Markdown: gate, overall table, per-category tables, ``extra``, failures."""
    lines = ["# groundwork eval", "", "## Gate", ""]
    lines += [f"- FAILED: {f}" for f in failures] or ["- all thresholds met"]
    lines += ["", "## Overall", "", markdown_table(summary), ""]
    categories = sorted({r.category for r in results})
    for category in categories:
        lines += [f"## {category}", "", markdown_table(summary, category), ""]
    tagged = sorted({f"{k}:{v}" for r in results for k, v in r.tags.items()})
    for group in tagged:
        lines += [f"## {group}", "", markdown_table(summary, group), ""]
    if extra:
        lines += [extra.rstrip(), ""]
    lines += ["## Failures", "", "| backend | id | category | why |", "|---|---|---|---|"]
    for r in results:
        if r.problems:
            why = "; ".join(r.problems).replace("|", "\\|").replace("\n", " ")
            lines.append(f"| {r.backend} | {r.id} | {r.category} | {why} |")
    return "\n".join(lines) + "\n"


def _value_or_nan(groups: dict[str, Any], category: str, metric: str) -> float:
    figure = groups.get(category, {}).get(metric)
    return float("nan") if figure is None or figure.value is None else float(figure.value)


def _chart(summary: Summary, metric: str, categories: list[str]) -> str | None:
    """A grouped bar chart (one bar per backend per category) as a base64 PNG, if drawable."""
    plt = pyplot()
    if plt is None:
        return None

    fig, ax = plt.subplots(figsize=(8, 2.8))
    width = 0.8 / max(1, len(summary))
    for i, (backend, groups) in enumerate(summary.items()):
        # An unscored category gets no bar at all rather than a misleading zero.
        values = [_value_or_nan(groups, c, metric) for c in categories]
        positions = [x + i * width for x in range(len(categories))]
        ax.bar(positions, values, width=width, label=backend)
    ax.set_xticks([x + width * (len(summary) - 1) / 2 for x in range(len(categories))])
    ax.set_xticklabels(categories, rotation=20, fontsize=8)
    ax.set_ylim(0, 1.05)
    direction = "lower is better" if metric in LOWER_IS_BETTER else "higher is better"
    ax.set_title(f"{metric} ({direction})", fontsize=10)
    ax.legend(fontsize=7)
    fig.tight_layout()
    return png(plt, fig, dpi=90)


def html_report(
    results: list[SampleResult], summary: Summary, failures: list[str], extra: str = ""
) -> str:
    """A self-contained HTML page; every piece of question or answer text is escaped.

    ``extra`` is trusted HTML (already escaped) placed before the failures.
    """
    categories = ["all", *sorted({r.category for r in results})]
    esc = html.escape
    parts = [
        "<!doctype html><meta charset='utf-8'><title>groundwork eval</title>",
        "<style>body{font-family:sans-serif;margin:2em}td,th{border:1px solid #ccc;"
        "padding:3px 6px;font-size:13px}table{border-collapse:collapse}.bad{color:#b00}</style>",
        "<h1>groundwork eval</h1><h2>Gate</h2><ul>",
    ]
    parts += [f"<li class='bad'>{esc(f)}</li>" for f in failures] or ["<li>all thresholds met</li>"]
    parts.append("</ul><h2>Overall</h2><table><tr><th>backend</th>")
    metrics = metric_names(summary)
    parts += [f"<th>{esc(m)}</th>" for m in metrics]
    parts.append("</tr>")
    for backend, groups in summary.items():
        cells = "".join(f"<td>{_fmt(groups['all'][m].value)}</td>" for m in metrics)
        parts.append(f"<tr><td>{esc(backend)}</td>{cells}</tr>")
    parts.append("</table><h2>Per category</h2>")
    for metric in metrics:
        if metric in ("answerable_correct", "sentences_per_answer"):
            continue  # the first is in the table; the second is a count, not a share
        chart = _chart(summary, metric, categories)
        if chart is None:
            parts.append(image(metric, None))
            break  # one line says why no chart is drawn
        parts.append(image(metric, chart) + "<br>")
    parts.append(extra)
    parts.append("<h2>Failures</h2><table><tr><th>backend</th><th>id</th><th>category</th>"
                 "<th>question</th><th>answer</th><th>why</th></tr>")  # fmt: skip
    for r in results:
        if r.problems:
            answer = r.answer.answer if r.answer else ""
            parts.append(
                f"<tr><td>{esc(r.backend)}</td><td>{esc(r.id)}</td><td>{esc(r.category)}</td>"
                f"<td>{esc(r.question)}</td><td>{esc(answer)}</td>"
                f"<td>{esc('; '.join(r.problems))}</td></tr>"
            )
    parts.append("</table>")
    return "\n".join(parts)
