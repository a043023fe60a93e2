"""The eval report's charts: matplotlib (the optional ``report`` extra), imported only to draw."""

from __future__ import annotations

import base64
import html
import io
from typing import Any

MISSING = "Charts need matplotlib, the 'report' extra: pip install 'groundwork[report]'"


def pyplot() -> Any | None:
    """``matplotlib.pyplot`` drawing off-screen, or None when the ``report`` extra is missing."""
    try:
        import matplotlib
    except ImportError:
        return None
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def png(plt: Any, fig: Any, dpi: int) -> str:
    """``fig`` as a base64 PNG (the figure is closed)."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi)
    plt.close(fig)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def image(alt: str, chart: str | None) -> str:
    """An ``<img>`` of a base64 PNG; without one, the line saying which extra draws it."""
    if chart is None:
        return f"<p>{html.escape(MISSING)}</p>"
    return f"<img alt='{html.escape(alt)}' src='data:image/png;base64,{chart}'>"
