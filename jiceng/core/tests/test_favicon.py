import pytest
from django.contrib.staticfiles import finders
from PIL import Image


@pytest.mark.django_db
def test_the_browser_s_icon_request_finds_the_product_s_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    assert response["Location"].endswith("favicon.ico")
    with Image.open(finders.find("jiceng/favicon.ico")) as icon:
        assert icon.format == "ICO" and (32, 32) in icon.info["sizes"]
