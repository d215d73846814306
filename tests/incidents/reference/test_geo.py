"""Point to desa (incidents.geo) and import_boundaries, on the reference polygons."""

import io
import json

import pytest
from django.core.management import call_command
from shapely.geometry import Point, Polygon, shape
from shapely.ops import unary_union

from incidents.models import Desa
from incidents.reference import geo
from kitaaman import region
from tests.conftest import reference_desa_file

pytestmark = pytest.mark.django_db


def desa_file():
    return reference_desa_file()


@pytest.fixture
def polygons():
    path = desa_file()
    call_command("import_boundaries", str(path), stdout=io.StringIO())
    data = json.loads(path.read_text(encoding="utf-8"))
    return {f["properties"]["code"]: shape(f["geometry"]) for f in data["features"]}


def test_every_desa_contains_its_own_inner_point(polygons):
    assert Desa.objects.filter(boundary__isnull=False).count() == 89
    for code, polygon in polygons.items():
        p = polygon.representative_point()
        assert geo.desa_code_for_point(p.y, p.x) == code


def test_point_in_a_sliver_gap_goes_to_the_nearest_polygon(polygons):
    union = unary_union(list(polygons.values()))
    holes = [Polygon(ring) for ring in union.interiors]
    assert holes, "the reference layer is expected to have sliver gaps"
    gap = max(holes, key=lambda h: h.area).representative_point()
    assert not any(p.contains(gap) for p in polygons.values())
    nearest = min(polygons, key=lambda code: polygons[code].distance(gap))
    assert geo.desa_code_for_point(gap.y, gap.x) == nearest


def test_point_just_outside_a_desa_edge_but_inside_the_kabupaten(polygons):
    # Step off a shared border into the gap between two neighbours: still a desa.
    union = unary_union(list(polygons.values()))
    ring = max((Polygon(r) for r in union.interiors), key=lambda h: h.length)
    edge = Point(ring.exterior.coords[0])
    code = geo.desa_code_for_point(edge.y, edge.x)
    assert polygons[code].distance(edge) < 1e-6


def test_outside_the_bounding_box_is_refused(polygons):
    for lat, lng in [(-1.0, 104.0), (-2.7, 101.0), (0.0, 0.0), (-3.2, 102.7)]:
        with pytest.raises(geo.OutsideKabupaten):
            geo.desa_code_for_point(lat, lng)


def test_inside_the_box_but_outside_every_polygon_is_refused(polygons):
    union = unary_union(list(polygons.values()))
    box = region.bbox()
    far = None
    for i in range(41):
        for j in range(41):
            lat = box["min_lat"] + (box["max_lat"] - box["min_lat"]) * i / 40
            lng = box["min_lng"] + (box["max_lng"] - box["min_lng"]) * j / 40
            if union.distance(Point(lng, lat)) > 0.05:
                far = (lat, lng)
                break
        if far:
            break
    assert far is not None
    assert geo.in_bbox(*far)
    with pytest.raises(geo.OutsideKabupaten):
        geo.desa_code_for_point(*far)


def test_nearest_centroid_when_no_polygons_are_loaded():
    assert not Desa.objects.filter(boundary__isnull=False).exists()
    for desa in Desa.objects.all()[:20]:
        assert geo.desa_code_for_point(desa.lat + 0.0005, desa.lng - 0.0005) == desa.code
    with pytest.raises(geo.OutsideKabupaten):
        geo.desa_code_for_point(-1.0, 104.0)


def test_nan_and_non_numbers_are_refused():
    for lat, lng in [(float("nan"), 102.8), ("-2.7", "102.8"), (None, 102.8)]:
        with pytest.raises(geo.OutsideKabupaten):
            geo.desa_code_for_point(lat, lng)


def test_import_boundaries_rerun_is_harmless_and_reports_unknown_codes(tmp_path):
    path = desa_file()
    first, second = io.StringIO(), io.StringIO()
    call_command("import_boundaries", str(path), stdout=first)
    before = dict(Desa.objects.values_list("code", "boundary"))
    call_command("import_boundaries", str(path), stdout=second)
    assert dict(Desa.objects.values_list("code", "boundary")) == before
    assert "89 batas wilayah dipasang" in second.getvalue()

    data = json.loads(path.read_text(encoding="utf-8"))
    known = data["features"][0]
    unknown = {**known, "properties": {**known["properties"], "code": "16.13.99.2999"}}
    odd = tmp_path / "campuran.geojson"
    odd.write_text(json.dumps({"type": "FeatureCollection", "features": [known, unknown]}), encoding="utf-8")
    out = io.StringIO()
    call_command("import_boundaries", str(odd), stdout=out)
    assert "1 batas wilayah dipasang" in out.getvalue()
    assert "16.13.99.2999" in out.getvalue()
    assert Desa.objects.filter(boundary__isnull=False).count() == 89


def test_api_places_a_sliver_point_and_refuses_an_outside_one(polygons, client):
    union = unary_union(list(polygons.values()))
    gap = max((Polygon(r) for r in union.interiors), key=lambda h: h.area).representative_point()
    body = {"category": "bencana-banjir", "description": "Air naik.", "consent": True, "lat": gap.y, "lng": gap.x}
    response = client.post("/api/v1/reports/", body, content_type="application/json")
    assert response.status_code == 201, response.content
    outside = client.post("/api/v1/reports/", {**body, "lat": -1.5, "lng": 104.7}, content_type="application/json")
    assert outside.status_code == 400
    assert "lat" in outside.json()["error"]["fields"]
