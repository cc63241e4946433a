"""Placing the text labels of marks so that they neither cover each other nor other marks:
each label tries a few spots around its mark (right, above and below right, above, below,
left) and takes the first free one, in the order the labels are given."""

from __future__ import annotations

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.transforms import Bbox


def place(figure, axes, items: list[tuple[object, tuple[float, float], float]]) -> None:
    """``items``: (annotation, the mark's position in data coordinates, the mark's radius in
    points). Each annotation is moved (its offset and alignment), never removed. Covering
    another label is worse than covering a mark; leaving the plot is worse than either."""
    if not items:
        return
    renderer = FigureCanvasAgg(figure).get_renderer()
    scale = figure.dpi / 72.0
    marks = []
    for _, xy, radius in items:
        x, y = axes.transData.transform(xy)
        r = radius * scale
        marks.append(Bbox([[x - r, y - r], [x + r, y + r]]))
    frame = axes.get_window_extent(renderer)
    placed: list[Bbox] = []
    for index, (label, _, radius) in enumerate(items):
        gap = radius + 3
        spots = [((gap, 0), "left", "center"), ((gap - 2, radius), "left", "bottom"),
                 ((gap - 2, -radius), "left", "top"), ((0, radius + 2), "center", "bottom"),
                 ((0, -radius - 2), "center", "top"), ((-gap, 0), "right", "center"),
                 ((-gap + 2, radius), "right", "bottom"), ((-gap + 2, -radius), "right", "top"),
                 ((gap, radius + 12), "left", "bottom"), ((gap, -radius - 12), "left", "top"),
                 ((-gap, radius + 12), "right", "bottom"), ((-gap, -radius - 12), "right", "top")]
        best = None
        for rank, (offset, ha, va) in enumerate(spots):
            label.xyann = offset
            label.set_ha(ha)
            label.set_va(va)
            box = label.get_window_extent(renderer).padded(1.0)
            outside = not (frame.x0 <= box.x0 and box.x1 <= frame.x1 and frame.y0 <= box.y0 and box.y1 <= frame.y1)
            clashes = 3 * sum(box.overlaps(other) for other in placed) + \
                sum(box.overlaps(mark) for j, mark in enumerate(marks) if j != index)
            score = (clashes + 10 * outside, rank)  # better to touch a label than to be cut off
            if best is None or score < best[0]:
                best = (score, (offset, ha, va), box)
            if score[0] == 0:
                break
        _, (offset, ha, va), box = best  # the first free spot, else the least crowded one
        label.xyann = offset
        label.set_ha(ha)
        label.set_va(va)
        placed.append(box)
