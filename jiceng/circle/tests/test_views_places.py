import io

from django.urls import reverse
from PIL import Image

from jiceng.circle.models import PlacePhoto
from jiceng.circle.tests.factories import get
from jiceng.core.models import AuditLog


def test_it_lists_places_in_scope_and_shows_one(client, personas, hand):
    page = get(client, personas["sub_admin"], "circle:places").content.decode()
    assert "甲街道党群服务中心" in page and "乙邻里中心" not in page
    p, q = hand["P"], hand["Q"]
    assert get(client, personas["sub_admin"], "circle:place", p.pk).status_code == 200
    assert get(client, personas["sub_admin"], "circle:place", q.pk).status_code == 404
    assert get(client, personas["outsider_worker"], "circle:place", q.pk).status_code == 200


def test_it_uploads_and_serves_place_photos_in_scope(client, personas, hand):
    buf = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buf, "PNG")
    buf.name = "front.png"
    buf.seek(0)
    client.force_login(personas["worker"])
    p = hand["P"]
    response = client.post(reverse("circle:place", args=[p.pk]), {"image": buf, "caption": "正门"})
    assert response.status_code == 302
    photo = PlacePhoto.objects.get()
    assert photo.place == p and AuditLog.objects.filter(action="circle.place_photo_add").exists()
    assert client.get(reverse("circle:photo", args=[photo.pk])).status_code == 200
    assert get(client, personas["outsider_worker"], "circle:photo", photo.pk).status_code == 404
    assert get(client, personas["outsider_worker"], "circle:place", p.pk).status_code == 404


def test_a_place_photo_above_the_pixel_budget_is_refused_with_a_message(client, personas, hand, settings):
    settings.PHOTO_MAX_PIXELS = 40_000_000
    buf = io.BytesIO()
    Image.new("L", (7000, 7000)).save(buf, "PNG")  # 49 megapixels in a few kilobytes
    buf.name = "huge.png"
    buf.seek(0)
    client.force_login(personas["worker"])
    response = client.post(reverse("circle:place", args=[hand["P"].pk]), {"image": buf, "caption": "正门"})
    assert response.status_code == 200
    assert "百万像素" in response.content.decode()
    assert not PlacePhoto.objects.exists()
