"""Server-rendered SVG charts: geometry computed here, drawn by the templates. No script,
no style attribute, no CDN (the page's Content-Security-Policy allows none of them)."""

from __future__ import annotations

from typing import Any


def _top(values: list[float]) -> float:
    top = max((v for v in values if v is not None), default=0.0)
    return top if top > 0 else 1.0


def number(value: float | None) -> str:
    """A figure as people read it: 12,345 / 96.5 / — for no data."""
    if value is None:
        return "—"
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.1f}"


def line_chart(series: list[dict[str, Any]], *, width: int = 520, height: int = 220) -> dict:
    """A polyline over the days of ``series`` ({"date", "value"}); days without data are
    left out of the line."""
    left, right, top_pad, bottom = 56, 12, 14, 30
    top = _top([p["value"] for p in series])
    inner_w, inner_h = width - left - right, height - top_pad - bottom
    step = inner_w / max(len(series) - 1, 1)
    points = []
    for index, point in enumerate(series):
        if point["value"] is None:
            continue
        x = left + index * step
        y = top_pad + (1 - point["value"] / top) * inner_h
        points.append(
            {
                "x": round(x, 1),
                "y": round(y, 1),
                "label": f"{point['date']:%m-%d} {number(point['value'])}",
            }
        )
    gridlines = [
        {"y": round(top_pad + (1 - f) * inner_h, 1), "label": number(round(top * f, 1))}
        for f in (0, 0.5, 1)
    ]
    return {
        "width": width,
        "height": height,
        "left": left,
        "right": width - right,
        "baseline": top_pad + inner_h,
        "label_y": height - 8,
        "polyline": " ".join(f"{p['x']},{p['y']}" for p in points),
        # a dot (with its tooltip) per day for up to two months; beyond, the line alone.
        "points": points if len(series) <= 62 else [],
        "gridlines": gridlines,
        "first": f"{series[0]['date']:%m-%d}" if series else "",
        "last": f"{series[-1]['date']:%m-%d}" if series else "",
        "empty": not any(p["value"] for p in series),
    }


def bar_chart(items: list[dict[str, Any]], *, width: int = 480, row: int = 30) -> dict:
    """Horizontal bars, one per item ({"label", "value"}), longest first as given."""
    label_w, value_w = 96, 80
    top = _top([i["value"] for i in items])
    bar_space = width - label_w - value_w
    bars = []
    for index, item in enumerate(items):
        value = item["value"]
        bars.append(
            {
                "label": item["label"],
                "url": item.get("url", ""),
                "value": number(value),
                "y": index * row,
                "text_y": index * row + row * 0.65,
                "x": label_w,
                "width": round(max((value or 0) / top * bar_space, 0), 1),
                "value_x": width - value_w + 6,
            }
        )
    return {
        "width": width,
        "height": max(len(items) * row, row),
        "bar_height": row - 8,
        "bars": bars,
        "label_x": label_w - 8,
        "empty": not any(i["value"] for i in items),
    }
