"""Generated small documents, each holding one fact only it states, and helpers for the CLI."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from tests.conftest import ARTICLE

PROJECT_ROOT = ARTICLE.parent.parent
NAMES = [
    "Abernathy", "Bellweather", "Castellano", "Drummond", "Eberhardt", "Fairweather",
    "Gallagher", "Hargreaves", "Isherwood", "Jablonski", "Kowalczyk", "Lindqvist",
    "Montgomery", "Nakamura", "Oyelaran", "Pemberton", "Quisling", "Rasmussen", "Sandoval",
    "Thibodeaux", "Underhill", "Vanterpool", "Whitlock", "Xenakis", "Yamamoto", "Zabriskie",
    "Achterberg", "Blackwood", "Cuthbertson", "Delacroix",
]  # fmt: skip
TOWNS = [
    "Ashford", "Brackley", "Corbridge", "Dunmore", "Ellesmere", "Felixstowe", "Grantham",
    "Hexham", "Ilkley", "Jarrow", "Keswick", "Ledbury", "Malvern", "Nantwich", "Oakham",
    "Penrith", "Quorndon", "Ripon", "Settle", "Tetbury", "Uttoxeter", "Ventnor", "Whitby",
    "Yarmouth", "Zennor", "Alnwick", "Bakewell", "Cromer", "Dorking", "Evesham",
]  # fmt: skip
FILLER = (
    "The weather in the harbour was mild for most of the season. "
    "Visitors often walked along the pier in the afternoon. "
    "The local council published its annual report in the spring. "
    "Several shops on the high street changed their opening hours. "
)


def fact(i: int) -> str:
    return f"Lighthouse keeper {NAMES[i]} of {TOWNS[i]} owns exactly {i + 3} tortoises."


def question(i: int) -> str:
    return f"How many tortoises does lighthouse keeper {NAMES[i]} of {TOWNS[i]} own?"


def write_corpus(folder: Path, count: int = 30, filler_repeats: int = 6) -> list[Path]:
    """``count`` .txt notes (note_00.txt ...); note i states ``fact(i)`` amid filler."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(count):
        path = folder / f"note_{i:02d}.txt"
        body = f"Note {i}.\n\n{fact(i)}\n\n" + "\n\n".join([FILLER] * filler_repeats) + "\n"
        path.write_text(body, encoding="utf-8")
        paths.append(path)
    return paths


def cli_env(data_dir: Path) -> dict[str, str]:
    """The environment of a ``groundwork`` subprocess using ``data_dir``, offline."""
    env = dict(os.environ)
    env.update(
        GROUNDWORK_DATA_DIR=str(data_dir),
        PYTHONPATH=str(PROJECT_ROOT),
        HF_HUB_OFFLINE="1",
        GRADIO_ANALYTICS_ENABLED="False",
    )
    return env


def cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "ui.cli", *args]
