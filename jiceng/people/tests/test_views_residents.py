import pytest
from django.urls import reverse

from conftest import make_person


def test_staff_see_the_residents_under_their_region(client, personas, regions):
    make_person(regions["A2"], "周甲二")
    client.force_login(personas["sub_admin"])
    page = client.get(reverse("people:list")).content.decode()
    assert "李建国" in page and "周甲二" in page and "赵外人" not in page
    client.force_login(personas["worker"])
    page = client.get(reverse("people:list")).content.decode()
    assert "李建国" in page and "周甲二" not in page


def test_it_finds_residents_by_name(client, personas, regions):
    make_person(regions["A1"], "周甲一")
    client.force_login(personas["worker"])
    page = client.get(reverse("people:list"), {"q": "周"}).content.decode()
    assert "周甲一" in page and "李建国" not in page


@pytest.mark.parametrize("persona", ["resident", "unit", "outsider"])
def test_the_list_is_not_found_outside_staff(client, personas, persona):
    client.force_login(personas[persona])
    assert client.get(reverse("people:list")).status_code == 404
