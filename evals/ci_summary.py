"""A short Markdown summary of an eval run, for a CI job summary or a pull-request comment."""

from __future__ import annotations

from pathlib import Path

from evals.compare import HEADLINE, SetComparison, counts
from evals.compare_report import delta
from evals.summary import Summary

SHOWN_FLIPS = 10  # per backend and question set; the full list is in report.md


def _figure(summary: Summary, backend: str, metric: str) -> str:
    figure = summary[backend]["all"].get(metric)
    return "n/a" if figure is None or figure.value is None else f"{figure.value:.2f}"


def summary_markdown(
    summary: Summary,
    failures: list[str],
    comparisons: list[SetComparison] | None,
    reports: list[Path],
) -> str:
    """Gate verdict, headline figures per backend, changes against the baseline, report paths."""
    verdict = "all thresholds met" if not failures else f"{len(failures)} threshold(s) missed"
    lines = [f"### groundwork eval: {verdict}", ""]
    lines += [f"- :x: {failure}" for failure in failures]
    lines += ["", "| backend | " + " | ".join(HEADLINE) + " |", "|---" * (len(HEADLINE) + 1) + "|"]
    for backend in summary:
        cells = " | ".join(_figure(summary, backend, m) for m in HEADLINE)
        lines.append(f"| {backend} | {cells} |")
    lines.append("")
    if comparisons is None:
        lines += ["No baseline given: nothing compared.", ""]
    for item in comparisons or []:
        lines += _compared(item)
    lines.append("Reports: " + ", ".join(f"`{p}`" for p in reports))
    return "\n".join(lines) + "\n"


def _compared(item: SetComparison) -> list[str]:
    title = f"**{item.backend} · {item.question_set or 'questions'} vs baseline**"
    if item.why_not:
        return [f"{title}: not compared ({item.why_not}).", ""]
    moved = [
        f"{m} {delta(m, item.before.get(m), item.after.get(m))}"
        for m in HEADLINE
        if delta(m, item.before.get(m), item.after.get(m)) not in ("±0", "n/a")
    ]
    tally = ", ".join(f"{kind} {n}" for kind, n in counts(item).items())
    lines = [f"{title}: {tally}; " + ("; ".join(moved) if moved else "no headline figure moved")]
    for flip in [f for f in item.flips if f.kind != "changed answer"][:SHOWN_FLIPS]:
        lines.append(f"- {flip.kind}: `{flip.id}` {flip.question}")
    return [*lines, ""]


def write_summary(text: str, path: Path | None, step_summary: Path | None) -> list[Path]:
    """Write ``path`` and append to GitHub's job summary file when one is set."""
    written = []
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    if step_summary is not None:
        with step_summary.open("a", encoding="utf-8") as handle:
            handle.write(text + "\n")
    return written
