"""A drawn picture: the matplotlib figure with its title and caption, which a notebook shows
inline and ``save`` writes with the title, licence and source in the file's metadata."""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from matplotlib.figure import Figure

from . import style


@dataclass
class Picture:
    figure: Figure
    title: str
    caption: str

    def save(self, path: str | Path) -> Path:
        """Write the picture; the format (svg, png, pdf) comes from the file's suffix."""
        return style.save(self.figure, path, title=self.title, caption=self.caption)

    def _repr_png_(self) -> bytes:  # Jupyter shows the picture inline
        buffer = io.BytesIO()
        with style.context():
            self.figure.savefig(buffer, format="png", dpi=100)
        return buffer.getvalue()
