"""Rows of the service circle's import files, and a logged-in GET."""

from django.urls import reverse

from jiceng.circle.tests.conftest import junction

PLACE_HEADER = "名称,类型,经度,纬度,地址,社区代码,开放时间,服务内容,面积"
POINT_HEADER = "经度,纬度,户数,人数,楼栋名称,社区代码"


def csv_bytes(header, *rows):
    return ("\n".join([header, *rows]) + "\n").encode("utf-8")


def good_places(regions):
    lon, lat = junction(5)
    lon2, lat2 = junction(12)
    a1, a2 = regions["A1"].code, regions["A2"].code
    return [
        f"甲街道党群服务中心,党群服务中心（街道级）,{lon},{lat},一号路 1 号,{a1},08:30-20:00,政务代办、党员活动；老年食堂,1200",
        f"甲二社区党群服务中心,社区党群服务中心,{lon2},{lat2},,{a2},全天,,",
        f"甲邻里中心,邻里中心,{lon2},{lat2},,{a1},,,350.5㎡",
    ]


def get(client, user, name, *args, **params):
    client.force_login(user)
    return client.get(reverse(name, args=args), params)
