import datetime as dt


def test_it_knows_when_a_place_is_open(hand):
    p, q = hand["P"], hand["Q"]
    assert p.is_open_at(dt.time(3, 0))
    assert q.is_open_at(dt.time(9, 0)) and q.is_open_at(dt.time(16, 59))
    assert not q.is_open_at(dt.time(17, 0)) and not q.is_open_at(dt.time(8, 59))
    q.opens_at, q.closes_at = dt.time(20, 0), dt.time(2, 0)
    assert q.is_open_at(dt.time(23, 0)) and q.is_open_at(dt.time(1, 0)) and not q.is_open_at(dt.time(12, 0))
    assert p.hours_display == "全天开放" and q.hours_display == "每天 20:00–02:00"
