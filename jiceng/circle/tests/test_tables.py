import datetime as dt

import pytest

from jiceng.circle.models import PlaceKind
from jiceng.circle.tables import parse_hours, parse_kind


@pytest.mark.parametrize(
    "text,expected",
    [
        ("全天", (True, None, None)),
        ("24小时", (True, None, None)),
        ("00:00-24:00", (True, None, None)),
        ("08:30-20:00", (False, dt.time(8, 30), dt.time(20, 0))),
        ("8:30～20:00", (False, dt.time(8, 30), dt.time(20, 0))),
        ("每天 09:00 至 17:30", (False, dt.time(9, 0), dt.time(17, 30))),
        ("08:00-24:00", (False, dt.time(8, 0), dt.time(0, 0))),
        ("20:00-02:00", (False, dt.time(20, 0), dt.time(2, 0))),
        ("", (False, None, None)),
    ],
)
def test_it_parses_opening_hours(text, expected):
    assert parse_hours(text) == expected


@pytest.mark.parametrize("text", ["早八晚八", "25:00-26:00", "08:60-20:00", "08:00-08:00", "08:30"])
def test_it_rejects_bad_opening_hours(text):
    with pytest.raises(ValueError, match="开放时间"):
        parse_hours(text)


def test_it_reads_kinds_by_label_code_or_common_name():
    assert parse_kind("党群服务中心(社区级)") == PlaceKind.CENTRE_COMMUNITY
    assert parse_kind("neighbourhood") == PlaceKind.NEIGHBOURHOOD
    assert parse_kind("区级党群服务中心") == PlaceKind.CENTRE_DISTRICT
    with pytest.raises(ValueError, match="类型“活动室”无法识别"):
        parse_kind("活动室")
