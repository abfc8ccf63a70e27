"""Clip a plot's paths to its data area in the SVG itself: Qt's own SVG renderer (which draws
the PNG export) ignores ``clip-path``, so a curve or a fill running far past its plot would
paint over the title and the other plot. Fills (closed paths) are clipped as polygons
(Sutherland–Hodgman), lines as segments (Liang–Barsky); a path with anything but straight
segments is left to ``clip-path``."""

from __future__ import annotations

import re

Point = tuple[float, float]
_TOKEN = re.compile(r"([MLZmlz])|(-?[\d.]+(?:e[-+]?\d+)?),(-?[\d.]+(?:e[-+]?\d+)?)")


def _subpaths(d: str) -> list[tuple[list[Point], bool]] | None:
    """[(points, closed)] of an absolute M/L/Z path, or None for any other command."""
    if re.search(r"[A-KN-Ya-kn-y]", d.replace("e-", "").replace("e+", "")):
        return None
    out: list[tuple[list[Point], bool]] = []
    for m in _TOKEN.finditer(d):
        cmd, x, y = m.groups()
        if cmd in ("M", "m"):
            out.append(([], False))
        elif cmd in ("Z", "z"):
            if out:
                out[-1] = (out[-1][0], True)
        elif x is not None:
            if not out:
                out.append(([], False))
            out[-1][0].append((float(x), float(y)))
    return out


def _clip_polygon(pts: list[Point], box: tuple[float, float, float, float]) -> list[Point]:
    x0, y0, x1, y1 = box
    edges = ((lambda p: p[0] >= x0, lambda a, b: _at_x(a, b, x0)), (lambda p: p[0] <= x1, lambda a, b: _at_x(a, b, x1)),
             (lambda p: p[1] >= y0, lambda a, b: _at_y(a, b, y0)), (lambda p: p[1] <= y1, lambda a, b: _at_y(a, b, y1)))
    for inside, cut in edges:
        if not pts:
            break
        src, pts = pts, []
        prev = src[-1]
        for cur in src:
            if inside(cur):
                if not inside(prev):
                    pts.append(cut(prev, cur))
                pts.append(cur)
            elif inside(prev):
                pts.append(cut(prev, cur))
            prev = cur
    return pts


def _at_x(a: Point, b: Point, x: float) -> Point:
    t = (x - a[0]) / (b[0] - a[0])
    return x, a[1] + t * (b[1] - a[1])


def _at_y(a: Point, b: Point, y: float) -> Point:
    t = (y - a[1]) / (b[1] - a[1])
    return a[0] + t * (b[0] - a[0]), y


def _clip_segment(a: Point, b: Point, box: tuple[float, float, float, float]) -> tuple[Point, Point] | None:
    x0, y0, x1, y1 = box
    dx, dy = b[0] - a[0], b[1] - a[1]
    lo, hi = 0.0, 1.0
    for p, q in ((-dx, a[0] - x0), (dx, x1 - a[0]), (-dy, a[1] - y0), (dy, y1 - a[1])):
        if p == 0:
            if q < 0:
                return None
            continue
        t = q / p
        if p < 0:
            lo = max(lo, t)
        else:
            hi = min(hi, t)
        if lo > hi:
            return None
    return (a[0] + lo * dx, a[1] + lo * dy), (a[0] + hi * dx, a[1] + hi * dy)


def _fmt(p: Point) -> str:
    return f"{p[0]:.2f},{p[1]:.2f}"


def clip_d(d: str, box: tuple[float, float, float, float], filled: bool) -> str:
    """Path data ``d`` clipped to ``box`` (x0, y0, x1, y1); unchanged when it is not M/L/Z only."""
    subs = _subpaths(d)
    if subs is None:
        return d
    out: list[str] = []
    for pts, closed in subs:
        if filled or closed:
            poly = _clip_polygon(pts, box)
            if len(poly) >= 3:
                out.append("M" + " L".join(_fmt(p) for p in poly) + " Z")
            continue
        run: list[Point] = []
        for a, b in zip(pts, pts[1:]):
            seg = _clip_segment(a, b, box)
            if seg is None:
                if len(run) > 1:
                    out.append("M" + " L".join(_fmt(p) for p in run))
                run = []
                continue
            if not run or run[-1] != seg[0]:
                if len(run) > 1:
                    out.append("M" + " L".join(_fmt(p) for p in run))
                run = [seg[0]]
            run.append(seg[1])
            if seg[1] != b:  # left the box
                out.append("M" + " L".join(_fmt(p) for p in run))
                run = []
        if len(run) > 1:
            out.append("M" + " L".join(_fmt(p) for p in run))
        elif len(pts) == 1 and _clip_segment(pts[0], pts[0], box):  # a lone point (a dot)
            out.append("M" + _fmt(pts[0]))
    return " ".join(out) if out else "M0,0"
