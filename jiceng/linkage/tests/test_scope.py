"""A grid is a region: the scope helper gives a grid worker their own grid and nothing around it."""

import pytest
from django.core.exceptions import ValidationError

from jiceng.core.models import Role, RoleGrant
from jiceng.core.scope import scope_for, scoped
from jiceng.linkage.models import Assignment
from jiceng.linkage.tests.factories import grid, grid_worker, issue
from jiceng.people.models import Person
from jiceng.regions.models import Region

pytestmark = pytest.mark.django_db


def test_a_grid_worker_is_bound_to_a_grid_and_nothing_else(regions, personas):
    with pytest.raises(ValidationError, match="网格"):
        RoleGrant(user=personas["worker"], role=Role.GRID_WORKER, region=regions["A1"]).clean()
    g = grid(regions["A1"])
    RoleGrant(user=personas["worker"], role=Role.GRID_WORKER, region=g).clean()


def test_scoped_gives_a_grid_worker_their_grid_and_its_rows_only(regions, personas):
    g1, g2 = grid(regions["A1"], 1), grid(regions["A1"], 2)
    user = grid_worker(g1, "g1")
    assert scope_for(user).primary_role == Role.GRID_WORKER
    assert list(scoped(user, Region.objects.all(), region="")) == [g1]
    root = issue(regions["A1"], [g1, g2], personas["worker"])
    mine = scoped(user, Assignment.objects.all(), region="region")
    assert list(mine) == [root.children.get(region=g1)]
    # rows keyed by community are not the grid's: the community's residents stay out of reach
    assert not scoped(user, Person.objects.all(), region="community").exists()
    # and the community worker sees both grids and every row under the community
    assert set(scoped(personas["worker"], Region.objects.filter(level="grid"), region="")) == {g1, g2}
    assert scoped(personas["worker"], Assignment.objects.all(), region="region").count() == 3
