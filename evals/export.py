"""Write eval results in ragas' column format, so ragas users can score them their own way.

Each row has ragas' single-turn columns (``user_input``, ``retrieved_contexts``, ``response``,
``reference``) and ours: ``id``, ``backend``, ``category``, ``refused``, one column per metric
(null when unscored) and ``unscored`` (metric -> reason). ragas ignores the extra columns.

JSONL loads directly: ``ragas.EvaluationDataset.from_jsonl(path)``. CSV cells are flat, so
``retrieved_contexts`` and ``unscored`` hold JSON text there; parse them (``json.loads``)
before ``EvaluationDataset.from_list``, since ragas' ``from_csv`` keeps them as strings.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

from evals.runner import SampleResult
from rag.errors import GroundworkError

RAGAS_COLUMNS = ("user_input", "retrieved_contexts", "response", "reference")
OUR_COLUMNS = ("id", "backend", "category", "refused")


def metric_columns(results: list[SampleResult]) -> list[str]:
    """Every metric that some result has, in the order first met."""
    names: dict[str, None] = {}
    for result in results:
        names.update(dict.fromkeys(result.scores))
    return list(names)


def ragas_rows(results: list[SampleResult], references: dict[str, str]) -> list[dict[str, Any]]:
    """One row per (question, backend); ``references`` maps question id to the gold answer."""
    metrics = metric_columns(results)
    rows = []
    for r in results:
        answer = r.answer
        row: dict[str, Any] = {
            "user_input": r.question,
            "retrieved_contexts": [p.text for p in answer.passages] if answer else [],
            "response": answer.answer if answer else None,
            "reference": references.get(r.id),
            "id": r.id,
            "backend": r.backend,
            "category": r.category,
            "refused": answer.refused if answer else None,
        }
        for name in metrics:
            score = r.scores.get(name)
            row[name] = score.value if score else None
        row["unscored"] = {
            name: (score.reason if score else "not computed") or ""
            for name in metrics
            if (score := r.scores.get(name)) is None or score.value is None
        }
        rows.append(row)
    return rows


def write_ragas(results: list[SampleResult], references: dict[str, str], path: Path) -> Path:
    """Write ``path`` as JSONL (.jsonl/.json) or CSV (.csv), chosen by its suffix."""
    suffix = path.suffix.lower()
    if suffix not in (".jsonl", ".json", ".csv"):
        raise GroundworkError(f"--ragas {path}: use a .jsonl or .csv file name")
    rows = ragas_rows(results, references)
    path.parent.mkdir(parents=True, exist_ok=True)
    if suffix == ".csv":
        columns = [*RAGAS_COLUMNS, *OUR_COLUMNS, *metric_columns(results), "unscored"]
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=columns)
            writer.writeheader()
            writer.writerows(_flat(row) for row in rows)
    else:
        lines = [json.dumps(row, ensure_ascii=False, allow_nan=False) for row in rows]
        path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return path


def _flat(row: dict[str, Any]) -> dict[str, Any]:
    """A CSV row: lists and dicts as JSON text, None as an empty cell."""
    return {
        key: json.dumps(value, ensure_ascii=False) if isinstance(value, list | dict) else value
        for key, value in row.items()
    }
