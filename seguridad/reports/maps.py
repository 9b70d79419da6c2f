"""Choropleth maps of rates per 100,000, by state or by municipality, drawn offline with
matplotlib from the simplified INEGI boundaries shipped in raw/geo/ (Marco Geoestadístico
2020; origin and licence in raw/README.md). A place with a low count is drawn in its class
colour but dotted, one without population hatched grey, one without figures light grey; the
legend says which is which. The same figure is written as SVG (inline in the HTML pages, or
a file) and PNG."""

from __future__ import annotations

import io
import json
import math
import re
import textwrap
from functools import cache
from pathlib import Path

from seguridad.i18n import t
from seguridad.reports.ranking import Ranking, title

GEO_DIR = Path(__file__).resolve().parents[2] / "raw" / "geo"
GEOMETRY = {"state": GEO_DIR / "mexico_states_2020.geojson",
            "municipality": GEO_DIR / "mexico_municipalities_2020.geojson"}
KEYS = {"state": "state_code", "municipality": "municipality_code"}
CLASS_COLORS = ["#fef0d9", "#fdcc8a", "#fc8d59", "#e34a33", "#b30000"]  # ColorBrewer OrRd 5
NO_DATA = "#f6f8fa"
NO_POPULATION = "#afb8c1"
EDGE = "#57606a"
COS_LAT = math.cos(math.radians(23.5))  # Mexico's middle latitude: keeps shapes honest


@cache
def shapes(level: str) -> dict[str, list[list[list[tuple[float, float]]]]]:
    """INEGI code -> polygons -> rings -> (x, y), projected (longitude scaled by the cosine
    of the middle latitude)."""
    data = json.loads(GEOMETRY[level].read_text(encoding="utf-8"))
    out: dict[str, list] = {}
    for feature in data["features"]:
        geometry = feature["geometry"]
        polygons = (geometry["coordinates"] if geometry["type"] == "MultiPolygon"
                    else [geometry["coordinates"]])
        out[feature["properties"][KEYS[level]]] = [
            [[(lon * COS_LAT, lat) for lon, lat in ring] for ring in polygon]
            for polygon in polygons]
    return out


def thin(ring: list[tuple[float, float]], eps: float) -> list[tuple[float, float]]:
    """The ring without the vertices closer than eps to the last one kept (the SVG of a
    filled shape is never simplified by matplotlib; a page needs no detail under a pixel)."""
    kept = [ring[0]]
    for x, y in ring[1:-1]:
        if abs(x - kept[-1][0]) > eps or abs(y - kept[-1][1]) > eps:
            kept.append((x, y))
    kept.append(ring[-1])
    return kept if len(kept) >= 4 else ring


def class_breaks(rates: list[float], classes: int = 5) -> list[float]:
    """Upper bounds of `classes` classes with about as many places each (quantiles), rounded
    to two significant figures so the legend reads 12 - 25, not 12.31 - 24.87."""
    values = sorted(rates)
    if not values:
        return []
    breaks = []
    for k in range(1, classes):
        q = values[min(len(values) - 1, round(k * len(values) / classes) - 1)]
        breaks.append(_round2(q))
    breaks.append(values[-1])
    out = []
    for b in breaks:  # strictly increasing, fewer classes when values repeat
        if not out or b > out[-1]:
            out.append(b)
    return out


def _round2(v: float) -> float:
    if v <= 0:
        return 0.0
    digits = 1 - int(math.floor(math.log10(v)))
    return round(v, digits)


def _class_of(rate: float, breaks: list[float]) -> int:
    return next((i for i, b in enumerate(breaks) if rate <= b), len(breaks) - 1)


def _label(v: float) -> str:
    return f"{v:,.0f}" if v >= 10 else f"{v:,.1f}"


def figure(r: Ranking, titled: bool = True):
    """The matplotlib figure of a ranking's rates (a Ranking carries rates, counts and
    flags for every place it covers)."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure
    from matplotlib.patches import Patch, PathPatch
    from matplotlib.path import Path as MplPath

    lang = r.lang
    geometry = shapes(r.level)
    places = {p["geo_code"]: p for p in r.places}
    if r.level == "municipality":  # the states the figures cover, whole
        states = {code[:2] for code in places}
        drawn = {c: g for c, g in geometry.items() if c[:2] in states}
    else:
        drawn = geometry
    rated = [p["rate_per_100k"] for p in places.values() if p["rate_per_100k"] is not None]
    breaks = class_breaks(rated, min(5, max(1, len(rated))))
    palette = CLASS_COLORS[-len(breaks):] if len(breaks) < 5 else CLASS_COLORS

    xs = [x for polygons in drawn.values() for poly in polygons for ring in poly
          for x, _ in ring]
    ys = [y for polygons in drawn.values() for poly in polygons for ring in poly
          for _, y in ring]
    eps = (max(xs) - min(xs)) / 1400  # under a pixel of the page's map: not drawn, not sent
    wide = 9 if r.level == "state" else 6  # a state's towns leave room for the legend beside
    height = (max(ys) - min(ys)) / (max(xs) - min(xs)) * wide + (0.9 if titled else 0.5)
    fig = Figure(figsize=(9, min(9.0, max(4.0, height))), layout="constrained")
    ax = fig.add_subplot()
    ax.set_axis_off()
    ax.set_aspect("equal")
    low_seen = unknown_seen = none_seen = False
    for code, polygons in drawn.items():
        place = places.get(code)
        vertices, codes = [], []
        for polygon in polygons:
            for ring in polygon:
                ring = thin(ring, eps)
                vertices += ring
                codes += [MplPath.MOVETO] + [MplPath.LINETO] * (len(ring) - 2) + \
                    [MplPath.CLOSEPOLY]
        style = {"edgecolor": EDGE, "linewidth": 0.4 if r.level == "state" else 0.25}
        if place is None:
            style["facecolor"], none_seen = NO_DATA, True
        elif place["rate_per_100k"] is None:
            style.update(facecolor=NO_POPULATION, hatch="////")
            unknown_seen = True
        else:
            style["facecolor"] = palette[_class_of(place["rate_per_100k"], breaks)]
            if place["low_count"]:
                style["hatch"], low_seen = "xx", True
        patch = PathPatch(MplPath(vertices, codes), **style)
        patch.set_gid(f"geo-{code}")
        ax.add_artist(patch)  # add_patch would walk every curve again for the limits
    ax.set_xlim(min(xs), max(xs))
    ax.set_ylim(min(ys), max(ys))

    handles, lower = [], min(rated) if rated else 0.0
    for upper, color in zip(breaks, palette, strict=True):
        handles.append(Patch(facecolor=color, edgecolor=EDGE, linewidth=0.4,
                             label=f"{_label(lower)} – {_label(upper)}"))
        lower = upper
    if low_seen:
        handles.append(Patch(facecolor="white", edgecolor=EDGE, hatch="xx", linewidth=0.4,
                             label=t("map_low_count", lang, n=r.low_count)))
    if unknown_seen:
        handles.append(Patch(facecolor=NO_POPULATION, edgecolor=EDGE, hatch="////",
                             linewidth=0.4, label=t("flag_no_population", lang)))
    if none_seen:
        handles.append(Patch(facecolor=NO_DATA, edgecolor=EDGE, linewidth=0.4,
                             label=t("map_no_data", lang)))
    style = {"handles": handles, "title": t("map_legend_title", lang), "frameon": False,
             "fontsize": 9, "title_fontsize": 9, "alignment": "left"}
    if r.level == "state":  # the Pacific has room for it
        ax.legend(loc="lower left", **style)
    else:  # beside a state's municipalities
        fig.legend(loc="outside right center", **style)
    if titled:  # a page puts the title above the map itself
        fig.suptitle(textwrap.fill(title(r), 80 if r.level == "state" else 70), fontsize=11,
                     x=0.02, ha="left")
    source = t("map_source", lang, window=r.window.describe(lang))
    fig.text(0.02, 0.005, source, fontsize=7.5, color=EDGE, ha="left", va="bottom")
    return fig


def svg(r: Ranking, titled: bool = True) -> str:
    """The map as an SVG element to put inside a page (no XML prolog), its ids unique to
    this map, nothing fetched from anywhere."""
    import matplotlib

    with matplotlib.rc_context({"svg.fonttype": "none",
                                "svg.hashsalt": f"{r.indicator}-{r.level}-{r.window}",
                                "font.family": "sans-serif", "hatch.linewidth": 0.6}):
        buf = io.StringIO()
        figure(r, titled).savefig(buf, format="svg", metadata={"Date": None})
    text = buf.getvalue()
    text = text[text.index("<svg"):]
    return re.sub(r"<svg ", "<svg class='chart map' role='img' "
                            f"aria-label='{_attr(title(r))}' ", text, count=1)


def _attr(text: str) -> str:
    return text.replace("&", "&amp;").replace("'", "&#39;").replace("<", "&lt;")


def write(r: Ranking, path: Path, *more: Path) -> Path:
    """Write the map as SVG or PNG, by the file's suffix (and to each of `more`, from the
    same figure: one drawing for the .svg and the .png of a map)."""
    import matplotlib

    for p in (path, *more):
        suffix = p.suffix.lower()
        if suffix not in (".svg", ".png"):
            raise ValueError(f"a map is written as .svg or .png, not {suffix or 'no suffix'}")
        p.parent.mkdir(parents=True, exist_ok=True)
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": path.stem,
                                "hatch.linewidth": 0.6}):
        fig = figure(r)
        for p in (path, *more):
            fig.savefig(p, dpi=150,
                        metadata={"Date": None} if p.suffix.lower() == ".svg" else {})
    return path
