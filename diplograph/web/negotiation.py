"""Content negotiation on ``Accept`` (RFC 9110 §12.5.1): quality values, ``type/*`` and ``*/*``.

Starlette has none; the rules are short enough that a dependency would not pay.
"""

from __future__ import annotations

from .formats import Format


def parse_accept(header: str | None) -> list[tuple[str, float, int]]:
    """(media range, quality, specificity) for each range of an Accept header; an absent
    or empty header accepts anything."""
    if not header or not header.strip():
        return [("*/*", 1.0, 0)]
    ranges = []
    for part in header.split(","):
        fields = [f.strip() for f in part.split(";")]
        media = fields[0].lower()
        if not media:
            continue
        if media == "*":  # some old clients send a bare star
            media = "*/*"
        quality = 1.0
        for parameter in fields[1:]:
            key, _, value = parameter.partition("=")
            if key.strip().lower() == "q":
                try:
                    quality = max(0.0, min(1.0, float(value)))
                except ValueError:
                    quality = 0.0
        specificity = 0 if media == "*/*" else 1 if media.endswith("/*") else 2
        ranges.append((media, quality, specificity))
    return ranges


def _quality(media_type: str, ranges: list[tuple[str, float, int]]) -> tuple[float, int]:
    """The quality the most specific matching range gives ``media_type`` (0 if none matches)."""
    best: tuple[int, float] | None = None
    for media, quality, specificity in ranges:
        matches = media in (media_type, "*/*") or (specificity == 1 and media_type.startswith(media[:-1]))
        if matches and (best is None or specificity > best[0]):
            best = (specificity, quality)
    return (best[1], best[0]) if best else (0.0, -1)


def choose(header: str | None, offered: tuple[Format, ...]) -> Format | None:
    """The offered format the client prefers; ties go to the first offered (the server's
    preference), None if the client accepts none of them."""
    ranges = parse_accept(header)
    best, best_key = None, (0.0, -1, 0)
    for position, fmt in enumerate(offered):
        for alias_rank, media in enumerate(fmt.media_types):
            quality, specificity = _quality(media, ranges)
            if quality <= 0:
                continue
            # prefer higher quality, then an exact match over a wildcard, then the server's order;
            # an alias (application/json for JSON results) counts as exact but after the main type
            key = (quality, specificity, -position * 10 - alias_rank)
            if best is None or key > best_key:
                best, best_key = fmt, key
    return best


def accepts_html(header: str | None) -> bool:
    """Whether a client asks for HTML at least as much as for anything else (browsers do)."""
    ranges = parse_accept(header)
    html, _ = _quality("text/html", ranges)
    if html <= 0:
        return False
    explicit = [q for media, q, spec in ranges if spec == 2 and media != "text/html"]
    return all(html >= q for q in explicit) and any(m in ("text/html", "application/xhtml+xml") for m, _, _ in ranges)
