"""How raw/geo/*.geojson were made (run by hand, once; not part of the pipeline).

The source is the R package mxmaps (Diego Valle-Jones, BSD-3-Clause), whose data frames
`mxstate.map` and `mxmunicipio.map` hold INEGI's Marco Geoestadístico, Censo de Población y
Vivienda 2020 (state and municipal areas; the Marías, Socorro, Guadalupe islands and Arrecife
Alacranes removed; already simplified with mapshaper by its author). This script turns the
two fortified data frames (one row per vertex) into GeoJSON polygons, then has mapshaper
keep 40% of the removable vertices (shapes kept, shared borders kept aligned) and write
coordinates to 4 decimals (about 11 m).

    pip install --target /tmp/rd rdata          # reads .RData (only for this script)
    npm install --prefix /tmp/ms mapshaper@0.6  # simplifies (only for this script)
    git show <commit>:data/mxstate.map.RData > mxstate.map.RData      # from diegovalle/mxmaps
    git show <commit>:data/mxmunicipio.map.RData > mxmunicipio.map.RData
    PYTHONPATH=/tmp/rd python raw/geo/derive.py mxstate.map.RData mxmunicipio.map.RData \\
        /tmp/ms/node_modules/.bin/mapshaper raw/geo
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path


def features(rda: Path, name: str, key: str) -> dict:
    import rdata  # noqa: PLC0415 (only this script needs it)

    frame = rdata.read_rda(str(rda))[name]
    places: dict[str, dict[str, dict]] = {}
    for lon, lat, order, hole, place, group in zip(
            frame["long"], frame["lat"], frame["order"], frame["hole"], frame["id"],
            frame["group"], strict=True):
        ring = places.setdefault(str(place), {}).setdefault(str(group), {"hole": bool(hole),
                                                                         "points": []})
        ring["points"].append((int(order), float(lon), float(lat)))
    out = []
    for place, rings in places.items():
        polygons: list[list] = []
        for ring in rings.values():
            points = [[lon, lat] for _, lon, lat in sorted(ring["points"])]
            if points[0] != points[-1]:
                points.append(points[0])
            if ring["hole"] and polygons:
                polygons[-1].append(points)
            else:
                polygons.append([points])
        out.append({"type": "Feature", "properties": {key: place},
                    "geometry": {"type": "MultiPolygon", "coordinates": polygons}})
    return {"type": "FeatureCollection", "features": out}


def main(states_rda: str, municipalities_rda: str, mapshaper: str, out_dir: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        names = []
        for rda, name, key, target in (
                (states_rda, "mxstate.map", "state_code", "mexico_states_2020"),
                (municipalities_rda, "mxmunicipio.map", "municipality_code",
                 "mexico_municipalities_2020")):
            path = Path(tmp) / f"{target}.json"
            path.write_text(json.dumps(features(Path(rda), name, key)), encoding="utf-8")
            names.append(str(path))
        Path(tmp, "out").mkdir()
        subprocess.run([mapshaper, "-i", *names, "combine-files", "-simplify", "40%",
                        "keep-shapes", "-clean", "-o", f"{tmp}/out/", "format=geojson",
                        "precision=0.0001"], check=True)
        for path in sorted(Path(tmp, "out").glob("*.json")):
            (Path(out_dir) / f"{path.stem}.geojson").write_bytes(path.read_bytes())


if __name__ == "__main__":
    main(*sys.argv[1:5])
