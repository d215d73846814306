"""The Pemda's logo and colours come from the region profile: every page
wears them, and nothing but a #rrggbb colour can be saved."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from kitaaman import region
from kitaaman.models import RegionProfile


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(out, "PNG")
    return out.getvalue()


@pytest.mark.django_db
def test_pages_wear_the_profiles_colours(client):
    profile = region.current()
    html = client.get("/").content.decode()
    assert f"--green: {profile.colour_primary}; --yellow: {profile.colour_accent};" in html
    profile.colour_primary = "#123456"
    profile.full_clean()
    profile.save()
    assert "--green: #123456;" in client.get("/lapor/").content.decode()


@pytest.mark.django_db
def test_a_colour_must_be_a_hex_code():
    profile = RegionProfile.objects.get()
    for bad in ("red", "#12345", "#1234567", "#12345g", "#fff</style><script>"):
        profile.colour_primary = bad
        with pytest.raises(ValidationError) as caught:
            profile.full_clean()
        assert "#rrggbb" in str(caught.value)


@pytest.mark.django_db
def test_the_logo_is_shown_and_served_when_set(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    assert client.get("/logo-daerah").status_code == 404
    assert 'src="/logo-daerah"' not in client.get("/").content.decode()
    profile = RegionProfile.objects.get()
    profile.logo = SimpleUploadedFile("logo.png", _png(), content_type="image/png")
    profile.save()
    assert 'src="/logo-daerah"' in client.get("/").content.decode()
    response = client.get("/logo-daerah")
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content) == profile.logo.open("rb").read()
