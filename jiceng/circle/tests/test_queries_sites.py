import datetime as dt

import pytest

from jiceng.circle.queries.district import coverage_get
from jiceng.circle.queries.params import CircleParams
from jiceng.circle.queries.sites import site_recommend
from jiceng.circle.tests.conftest import junction


def test_it_recommends_the_site_that_covers_most(hand):
    r = hand["regions"]
    cov = coverage_get(r["district"], CircleParams(open_at=dt.time(20, 0)))
    rec = site_recommend(cov, r["district"], 2)
    assert rec.base_covered_population == 126
    # one site between b (junction 22) and d (junction 28) covers both: 120 people
    assert [round(p.gain) for p in rec.picks] == [120]
    assert rec.picks[0].percentage == pytest.approx(100.0)
    # within subdistrict A only b is uncovered
    rec_a = site_recommend(cov, r["A"], 1)
    assert rec_a.total_population == 176 and round(rec_a.picks[0].gain) == 50
    # from a candidate list: only candidates count
    rec_c = site_recommend(
        cov, r["district"], 2, candidates=[("远处", *junction(0)), ("桥头", *junction(27))]
    )
    assert [(p.name, round(p.gain)) for p in rec_c.picks] == [("桥头", 120)]
