from jiceng.circle.queries.district import coverage_get
from jiceng.circle.queries.layers import map_layers_get, map_network_get
from jiceng.circle.queries.params import CircleParams
from jiceng.circle.tests.conftest import junction


def test_map_layers_are_scoped_and_light(hand):
    r = hand["regions"]
    cov = coverage_get(r["district"], CircleParams())
    whole = map_layers_get(cov, r["district"])
    assert {p["name"] for p in whole["places"]} == {"甲街道党群服务中心", "乙邻里中心"}
    assert len(whole["points"]["rows"]) == 4
    assert len(whole["network"]["covered"]) + len(whole["network"]["other"]) == 30
    only_a = map_layers_get(cov, r["A"])
    assert {p["name"] for p in only_a["places"]} == {"甲街道党群服务中心"}
    assert sorted(row[2] for row in only_a["points"]["rows"]) == [26, 50, 100]
    # a bounding box around the west end leaves out the east
    w, s = junction(0)
    e, n = junction(12)
    west = map_layers_get(cov, r["district"], (w - 0.001, s - 0.001, e, n + 0.001))
    assert sorted(row[2] for row in west["points"]["rows"]) == [26, 100]
    simple = map_network_get(cov, None, max_edges=8)
    assert simple["simplified"] and 0 < len(simple["covered"]) + len(simple["other"]) <= 8
