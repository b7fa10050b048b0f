"""`jiceng generate`: a realistic district of a chosen size in a fresh database, for measuring.

Stages, each with its progress bar: the region tree from the national codes, organisations, staff,
residents in households with their party memberships and logins, the Moral Bank's year (claims,
reviews, notices, objections, awards, vouchers, donations, disbursements, with the cached balances
and the transparency log), activities with check-ins, alliances with meetings and actions, and needs.
Rows are written in bulk (COPY on PostgreSQL, executemany in large transactions on SQLite), with ids
handed out by the generator; on PostgreSQL, when the connection may, the per-row foreign-key
triggers are off while the rows are written and every foreign key of every written table is then
checked in one set-based query each (`foreign_keys_check`), which proves the same at a fraction of
the cost. The same seed gives the same district (the encrypted ID numbers differ byte for byte,
since each encryption draws its own nonce, but decrypt to the same numbers).
"""

import datetime as dt
import time
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from django.apps import apps
from django.db import DatabaseError, connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jiceng.activities.models import CheckIn
from jiceng.alliance.models import Need
from jiceng.bank import log
from jiceng.bank.models import Account, DeedClaim, Donation, Notice, Redemption, Review, Transfer
from jiceng.core.models import RoleGrant, User
from jiceng.demo import DEMO_DISTRICT, DEMO_SOURCE
from jiceng.demo.district import load_regions_demo
from jiceng.people.models import Household, PartyMembership, Person
from jiceng.regions.models import Level, Region
from jiceng.regions.services import regions_import_divisions
from jiceng.scale import bank, civic, people, year
from jiceng.scale.bulk import Bulk, Side, indexes_create, indexes_drop

DEFAULT_RESIDENTS = 100_000
DEFAULT_TRANSFERS = 2_000_000
# The tables written in bulk, whose plain indexes are built once at the end.
BIG_TABLES = (
    Person, Household, PartyMembership, User, RoleGrant, Account, Transfer, DeedClaim, Review, Notice,
    Redemption, Donation, CheckIn, Need,
)  # fmt: skip


class GenerateRefused(Exception):
    """The database is not fresh, or the arguments make no district; nothing was written."""


@dataclass
class Report:
    residents: int
    transfers: int
    seconds: dict[str, float] = field(default_factory=dict)
    rows: dict[str, int] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    district: str = ""


def refusal(*, residents: int, transfers: int) -> str | None:
    """Why this database or these sizes cannot be generated, in words, or None."""
    if residents < 10:
        return _("居民人数至少 10 人（--residents）")
    if transfers < 100:
        return _("积分流水至少 100 笔（--transfers）")
    if Person.objects.exists():
        return _(
            "这个数据库已经有居民（%(n)d 人）：generate 只在全新的数据库里生成，以免和真实数据混在一起。"
            "请新建一个空数据库（PostgreSQL 用 createdb，SQLite 换一个 SQLITE_PATH），运行 jiceng migrate 后再生成。"
        ) % {"n": Person.objects.count()}
    return None


def _regions(code: str, source: Path, progress: bool) -> Region:
    if code == DEMO_DISTRICT and Path(source) == DEMO_SOURCE:
        return load_regions_demo(progress)
    regions_import_divisions(source=source, district=code, progress=progress)
    return Region.objects.get(code=code.ljust(12, "0")[:12], level=Level.DISTRICT)


def _superuser() -> bool:
    """This PostgreSQL session's role may change superuser settings."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        return cursor.fetchone()[0]


def _triggers_off() -> bool:
    """Turn off PostgreSQL's per-row foreign-key triggers for this session, when the role may."""
    if connection.vendor != "postgresql" or not _superuser():
        return False
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")
    return True


def _session_for_bulk() -> None:
    """A large page cache for SQLite's index updates; on PostgreSQL, commits that do not wait for the disk
    (a crash loses at most the last moments, and a half-generated database is refused anyway)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET synchronous_commit = off")
            cursor.execute("SET work_mem = '256MB'")  # the INSERT … SELECT joins, in memory
            if _superuser():  # compressed full-page images: a fraction of the WAL to write
                try:
                    with transaction.atomic():
                        cursor.execute("SET LOCAL wal_compression = lz4")
                    cursor.execute("SET wal_compression = lz4")
                except DatabaseError:  # a server built without lz4
                    pass
        else:
            cursor.execute("PRAGMA cache_size = -1000000")


def _triggers_on() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = DEFAULT")


def foreign_keys_check(labels: list[str], side: Side | None = None) -> list[str]:
    """Every foreign key of the given tables that names a missing row, as sentences (set-based).

    A target table whose ids have no gap (its count is max − min + 1; the generator hands ids out
    in runs) holds every id between its least and greatest, so a key column whose least and
    greatest values lie within them names no missing row: two index probes where an index leads
    with the column, one scan where none does. Any other key is checked by an anti-join, which
    also counts what is missing. With `side`, every other check runs on the side's connection.
    """
    qn = connection.ops.quote_name
    checks = []
    for label in labels:
        model = apps.get_model(label)
        for f in model._meta.concrete_fields:
            if not isinstance(f, models.ForeignKey) or not f.db_constraint:
                continue
            target, key = f.related_model._meta, f.target_field
            sentence = f"{label}.{f.name}：{{}} 行指向不存在的 {target.label}"
            numbered = key.get_internal_type() in (
                "AutoField",
                "BigAutoField",
                "IntegerField",
                "BigIntegerField",
            )
            checks.append((sentence, model._meta.db_table, f.column, target.db_table, key.column, numbered))

    def run(part: list[tuple]) -> list[str]:
        out, dense = [], {}
        with connection.cursor() as cursor:
            for sentence, table, column, target, pk, numbered in part:
                if not numbered:
                    dense[target] = None
                elif target not in dense:
                    cursor.execute(f"SELECT COUNT(*), MIN({qn(pk)}), MAX({qn(pk)}) FROM {qn(target)}")
                    n, lo, hi = cursor.fetchone()
                    dense[target] = (lo, hi) if n and hi - lo + 1 == n else None
                if dense[target] is not None:
                    cursor.execute(f"SELECT MIN({qn(column)}), MAX({qn(column)}) FROM {qn(table)}")
                    least, greatest = cursor.fetchone()
                    lo, hi = dense[target]
                    if least is None or (lo <= least and greatest <= hi):
                        continue
                cursor.execute(
                    f"SELECT COUNT(*) FROM {qn(table)} r WHERE r.{qn(column)} IS NOT NULL AND NOT EXISTS"
                    f" (SELECT 1 FROM {qn(target)} t WHERE t.{qn(pk)} = r.{qn(column)})"
                )
                missing = cursor.fetchone()[0]
                if missing:
                    out.append(sentence.format(missing))
        return out

    if side is None:
        return run(checks)
    there = side.submit(run, checks[1::2])
    return run(checks[0::2]) + there.result()


def district_generate(
    *,
    residents: int = DEFAULT_RESIDENTS,
    transfers: int = DEFAULT_TRANSFERS,
    seed: int = 1,
    district: str = DEMO_DISTRICT,
    source: Path = DEMO_SOURCE,
    wallet_share: float = 0.6,
    id_share: float = 1.0,
    progress: bool = True,
    say: Callable[[str], None] = lambda _m: None,
) -> Report:
    """Generate the district; raises GenerateRefused (nothing written) on a database that holds people."""
    problem = refusal(residents=residents, transfers=transfers)
    if problem:
        raise GenerateRefused(problem)
    report = Report(residents=residents, transfers=transfers)
    clock = time.perf_counter()

    def stage(name: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        report.seconds[name] = round(now - clock, 1)
        clock = now
        say(f"{name}：{report.seconds[name]} 秒")

    region = _regions(district, source, progress)
    report.district = region.code
    communities = list(
        Region.objects.filter(region.subtree_q(), level=Level.COMMUNITY, is_active=True).order_by("code")
    )
    subdistricts = list(
        Region.objects.filter(region.subtree_q(), level=Level.SUBDISTRICT, is_active=True).order_by("code")
    )
    if not communities:
        raise GenerateRefused(_("区 %(c)s 下没有社区") % {"c": region.code})
    if residents < 2 * len(communities):
        raise GenerateRefused(
            _("居民人数至少是社区数的两倍：%(c)s 有 %(n)d 个社区") % {"c": region.name, "n": len(communities)}
        )
    end = timezone.now() - dt.timedelta(minutes=1)
    start = timezone.make_aware(dt.datetime(end.astimezone(timezone.get_current_timezone()).year, 1, 1))
    if (end - start).days < 30:  # early January: the year so far is too short to hold a year's history
        start = end - dt.timedelta(days=365)
    world = people.World(
        district=region,
        communities=communities,
        subdistricts=subdistricts,
        rng=np.random.default_rng(seed),
        start=start.timestamp(),
        end=end.timestamp(),
    )
    stage("区划")
    bulk = Bulk()
    _session_for_bulk()
    fast = _triggers_off()
    rebuild = indexes_drop([m._meta.db_table for m in BIG_TABLES])
    try:
        with transaction.atomic():
            people.organisations(world)
            people.staff(world)
            people.residents(
                world, residents, wallet_share=wallet_share, id_share=id_share, bulk=bulk, progress=progress
            )
            bulk.finish()
            ids = bank.setup(world, bulk)
            bulk.finish()
        stage("居民与账号")
        sides = None
        # Two more connections on PostgreSQL, which must see what this one committed (so not inside a
        # caller's transaction); SQLite has one writer, so a second connection would only wait.
        if connection.vendor == "postgresql" and not connection.in_atomic_block:

            def setup() -> None:
                _session_for_bulk()
                _triggers_off()

            sides = (Side(setup), Side(setup))
        try:
            # with two connections to write and log, the log's queue is paused and each month is
            # logged by its ids: the queue would take 20M rows only for the checkpoints to delete them
            with log.queue_paused() if sides else nullcontext(False) as paused:
                report.counts.update(
                    year.year(world, ids, transfers, bulk, progress=progress, sides=sides, paused=paused)
                )
        finally:
            for side in sides or ():
                side.close()
        bulk.finish()
        stage("道德银行（含透明日志）")
        with transaction.atomic():
            report.counts["activities"] = civic.activities(world, bulk)
            report.counts["meetings"] = civic.alliances(world)
            report.counts["needs"] = civic.needs(world, bulk)
            bulk.finish()
        stage("活动、联盟与需求")
    finally:
        indexes_create(rebuild, progress)
        stage("重建索引")
        if fast:
            _triggers_on()
    if fast:
        side = None if connection.in_atomic_block else Side(_session_for_bulk)  # its work_mem too
        try:
            problems = foreign_keys_check(
                sorted(m._meta.label for m in apps.get_models() if m.__module__.startswith("jiceng.")),
                side,
            )
        finally:
            if side is not None:
                side.close()
        if problems:
            raise RuntimeError("生成的数据有外键错误：" + "；".join(problems))
        stage("外键核对")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        stage("统计信息")
    report.rows = dict(bulk.written)
    return report
