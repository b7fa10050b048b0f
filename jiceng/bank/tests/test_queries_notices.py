"""Reads of the notice board: which board a user may open and lands on."""

from jiceng.bank.queries.notices import board_region_get, board_region_home
from jiceng.regions.models import Region


def test_a_board_is_open_to_the_whole_district_and_no_further(personas, regions):
    other = Region.objects.create(code="510104000000", name="锦江区", level="district")
    assert board_region_get(personas["outsider"], regions["A1"].code) == regions["A1"]
    assert board_region_get(personas["worker"], regions["B"].code) == regions["B"]
    assert board_region_get(personas["resident"], other.code) is None
    assert board_region_get(personas["resident"], "no-such-code") is None
    assert board_region_get(personas["unit"], regions["A1"].code) is None  # a unit lives in no district


def test_each_user_lands_on_their_own_board(personas, regions):
    assert board_region_home(personas["resident"]) == regions["A1"]
    assert board_region_home(personas["sub_admin"]) == regions["A"]
    assert board_region_home(personas["unit"]) is None
