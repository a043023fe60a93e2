"""Trends over earlier eval runs: each headline metric per backend as a small line chart."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from evals.charts import image, png, pyplot
from evals.compare import HEADLINE
from evals.results_io import load_run
from evals.runner import SampleResult
from evals.summary import summarise
from rag.errors import GroundworkError

Point = tuple[str, dict[str, dict[str, float | None]]]  # label, backend -> metric -> value


def load_history(directory: Path) -> list[Point]:
    """Every results.json under ``directory``, oldest first, as overall figures per backend."""
    if not directory.is_dir():
        raise GroundworkError(f"--history {directory}: not a folder of earlier eval runs")
    runs = []
    for path in directory.rglob("results.json"):
        info, results = load_run(path)
        # Runs written before the finish time was kept are placed by their file's age.
        stamp = (
            info.get("finished") or datetime.fromtimestamp(path.stat().st_mtime, UTC).isoformat()
        )
        runs.append((str(stamp), results))
    return [point(stamp[:16].replace("T", " "), results) for stamp, results in sorted(runs)]


def point(label: str, results: list[SampleResult]) -> Point:
    """One run's overall headline figures per backend."""
    summary = summarise(results)
    return label, {
        backend: {m: groups["all"][m].value if m in groups["all"] else None for m in HEADLINE}
        for backend, groups in summary.items()
    }


def _chart(points: list[Point], metric: str) -> str | None:
    plt = pyplot()
    if plt is None:
        return None

    fig, ax = plt.subplots(figsize=(4, 2.2))
    backends = sorted({b for _, figures in points for b in figures})
    for backend in backends:
        values = [figures.get(backend, {}).get(metric) for _, figures in points]
        # A run that did not score this metric leaves a gap, not a zero.
        ax.plot(range(len(points)), [float("nan") if v is None else v for v in values],
                marker="o", label=backend)  # fmt: skip
    ax.set_xticks(range(len(points)))
    ax.set_xticklabels([label for label, _ in points], rotation=30, fontsize=6, ha="right")
    ax.set_ylim(-0.05, 1.05)
    ax.set_title(metric, fontsize=9)
    ax.legend(fontsize=6)
    fig.tight_layout()
    return png(plt, fig, dpi=80)


def history_html(points: list[Point]) -> str:
    """A 'Trends' section: one small line chart per headline metric, the current run last."""
    parts = [f"<h2>Trends</h2><p>{len(points)} runs, oldest first; the last is this run.</p>"]
    for metric in HEADLINE:
        chart = _chart(points, metric)
        parts.append(image(f"{metric} over runs", chart))
        if chart is None:
            break  # one line says why no chart is drawn
    return "\n".join(parts)
