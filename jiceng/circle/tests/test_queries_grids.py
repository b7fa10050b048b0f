"""Coverage per grid, checked by hand on the line network (see conftest.py).

Only place P (junction 5) is open to the circle here, so a point counts as covered when it
lies within 1000 m of junction 5, i.e. on junctions 0 to 15.
"""

import pytest

from jiceng.circle.models import PlaceKind
from jiceng.circle.queries.district import coverage_get
from jiceng.circle.queries.figures import figures_get, figures_list_grids, grid_coverage_list
from jiceng.circle.queries.params import CircleParams
from jiceng.circle.tests.conftest import make_place, make_point
from jiceng.linkage.tests.factories import grid


@pytest.fixture
def grids(line_network, located):
    r = located
    make_place(r, "A1", "甲街道党群服务中心", PlaceKind.CENTRE_SUBDISTRICT, 5, always_open=True)
    g = {
        "east": grid(r["A1"], 1, "甲一网格"),
        "west": grid(r["A1"], 2, "甲二网格"),
        "empty": grid(r["A1"], 3, "甲三网格"),
        "b": grid(r["B1"], 1, "乙一网格"),
    }
    make_point(r, "A1", 10, residents=100, building="甲1栋", grid=g["east"])  # 500 m: covered
    make_point(r, "A1", 22, residents=50, building="甲2栋", grid=g["east"])  # 1700 m: not
    make_point(r, "A1", 14, residents=30, building="甲3栋", grid=g["west"])  # 900 m: covered
    make_point(r, "A1", 17, households=10, building="甲4栋", grid=g["west"])  # 1200 m, 26 people: not
    make_point(r, "A1", 12, residents=40, building="甲5栋")  # in no grid
    make_point(r, "B1", 28, residents=70, building="乙1栋", grid=g["b"])  # 2300 m: not
    return g


def test_each_grid_has_the_population_and_coverage_of_its_own_points(grids, located):
    cov = coverage_get(located["district"], CircleParams())
    figures = figures_list_grids(cov, grids.values())
    east, west, empty, b = (figures[grids[k].code] for k in ("east", "west", "empty", "b"))
    assert (east.name, east.points, east.covered_points) == ("甲一网格", 2, 1)
    assert (east.population, east.covered_population, round(east.percentage, 2)) == (150, 100, 66.67)
    assert (west.points, west.population, west.covered_population, round(west.percentage, 2)) == (
        2,
        56,
        30,
        53.57,
    )
    assert (empty.points, empty.population, empty.covered_population, empty.percentage) == (0, 0, 0, None)
    assert (b.population, b.covered_population, b.percentage) == (70, 0, 0.0)
    # the community still counts every point, the one in no grid included
    a1 = figures_get(cov, located["A1"])
    assert (a1.population, a1.covered_population) == (246, 170)


def test_grid_coverage_list_reads_each_grids_district(grids):
    figures = grid_coverage_list([grids["west"], grids["b"]])
    assert {code: (f.population, f.covered_population) for code, f in figures.items()} == {
        grids["west"].code: (56, 30),
        grids["b"].code: (70, 0),
    }


def test_without_a_network_a_grid_has_its_population_and_no_percentage(located, var_dir):
    g = grid(located["A1"], 1)
    make_point(located, "A1", 10, residents=100, grid=g)
    f = grid_coverage_list([g])[g.code]
    assert (f.population, f.covered_population, f.percentage) == (100, None, None)
