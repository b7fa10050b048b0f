"""A year of the generated district's Moral Bank, simulated a day at a time with array operations.

Each day draws its transfers at once: awards (each from a claim, one review and a notice, as the
product makes them), vouchers, donations and love-pool disbursements. A spend is made only from points
already posted and not held (one spend per resident a day, so the check is exact), and a spend that
finds too few points becomes an award, so the count of transfers is exactly the one asked for. Posted
awards become spendable when their notice ends, a voided voucher's points when it is voided. The
cached balances are summed as the rows are made and written last (`jiceng ledger verify` proves them).

The day's rows go to a staging table of integers (binary COPY on PostgreSQL); `expand.py` turns them
into the real tables' rows in a few INSERT … SELECT statements. After each month the ledger's own
`log.checkpoint` logs the month's final transfers, as `bank settle` would have; on PostgreSQL that
runs on a second connection while the next month is written, and a third writes half the tables.
"""

import sys
import time
from collections import defaultdict
from concurrent.futures import Future
from contextlib import nullcontext

import numpy as np
from django.db import transaction
from tqdm import tqdm

from jiceng.bank import log
from jiceng.bank.models import DeedClaim, Notice, Objection, ObjectionState, Redemption, Review, Transfer
from jiceng.bank.queries.notices import notice_days
from jiceng.bank.services.rewards import CODE_ALPHABET, CODE_LENGTH, VOUCHER_DAYS
from jiceng.scale import expand
from jiceng.scale.bank import DEEDS, MIX, RULE_WEIGHTS, Ids
from jiceng.scale.bulk import Bulk
from jiceng.scale.people import World

DAY = 86_400
US = 1_000_000
CODE_SPACE = len(CODE_ALPHABET) ** CODE_LENGTH
DONATIONS = np.array([5, 10, 20, 50])
DISBURSEMENTS = np.array([10, 20, 50])
KIND_AWARD, KIND_REDEEM, KIND_DONATE, KIND_DISBURSE = range(4)
PENDING, POSTED, VOIDED = range(3)


class Year:
    def __init__(self, world: World, ids: Ids, bulk: Bulk):
        self.world, self.ids, self.bulk, self.rng = world, ids, bulk, world.rng
        nw, nc = len(world.wallet_person), len(world.communities)
        self.avail = np.zeros(nw, dtype=np.int64)
        self.pool_avail = np.zeros(nc, dtype=np.int64)
        self.later: dict[int, list[tuple[np.ndarray, np.ndarray]]] = defaultdict(list)
        self.wallet = np.zeros((3, nw), dtype=np.int64)  # posted, pending in, pending out
        self.pool_posted = np.zeros(nc, dtype=np.int64)
        self.partner = np.zeros((2, len(ids.partner_accounts)), dtype=np.int64)  # posted, pending in
        self.activity = self.rng.gamma(0.6, 1.0, nw)  # a few residents do most of the good deeds
        self.activity /= self.activity.sum()
        self.wallet_comm = world.person_community[world.wallet_person]
        self.community_ids = world.community_ids
        self.workers = np.array(world.workers, dtype=np.int64)
        self.rule_points = np.array([r[1] for r in world.rules], dtype=np.int64)
        self.reward_price = np.array([r[3] for r in ids.rewards], dtype=np.int64)
        self.reward_account = np.array([r[2] for r in ids.rewards], dtype=np.int64)
        self.reward_partner = np.array(
            [ids.partner_accounts.index(r[2]) for r in ids.rewards], dtype=np.int64
        )
        self.reward_operator = np.array([r[4] for r in ids.rewards], dtype=np.int64)
        self.needy_wallet = np.full((nc, 3), -1, dtype=np.int64)
        self.needy_id = np.full((nc, 3), -1, dtype=np.int64)
        self.needy_n = np.zeros(nc, dtype=np.int64)
        for ci, pairs in ids.in_need.items():
            for k, (need, w) in enumerate(pairs[:3]):
                self.needy_id[ci, k], self.needy_wallet[ci, k] = need, w
            self.needy_n[ci] = min(3, len(pairs))
        self.notice = notice_days() * DAY
        self.staged: list[np.ndarray] = []
        self.extra: dict[type, list[tuple]] = defaultdict(list)
        self.counts: dict[str, int] = defaultdict(int)
        self.stage: expand.Stage | None = None

    # ------------------------------------------------------------ one day

    def day(self, d: int, n: int) -> None:
        world, rng = self.world, self.rng
        for ws, pts in self.later.pop(d, ()):
            np.add.at(self.avail, ws, pts)
        times = np.minimum(np.sort(world.start + d * DAY + rng.uniform(0, 13 * 3600, n)), world.end - 120)
        kinds = rng.choice(4, n, p=MIX)
        wal = rng.choice(len(self.avail), n, p=self.activity)
        rule = rng.choice(len(world.rules), n, p=RULE_WEIGHTS)
        roll, delay, pick = rng.random(n), rng.uniform(0.1, 3, n), rng.integers(0, 1 << 30, n)
        comm = self.wallet_comm[wal]
        e = np.empty(n, dtype=[(c, "<i8") for c in expand.COLUMNS])
        for c in expand.COLUMNS:
            e[c] = -1
        e["tid"] = self.bulk.ids(Transfer, n) + np.arange(n)
        e["t"] = (times * US).astype(np.int64)
        e["wal"], e["community"], e["aux"], e["office"], e["byres"] = (
            wal,
            self.community_ids[comm],
            rule,
            0,
            0,
        )
        spends = np.flatnonzero(kinds > 0)
        _u, first = np.unique(wal[spends], return_index=True)
        cand = spends[first]  # at most one spend per resident a day, so the balance check is exact
        final = np.zeros(n, dtype=np.int64)
        final[self._redeem(e, cand[kinds[cand] == KIND_REDEEM], roll, delay, pick, d)] = KIND_REDEEM
        final[self._donate(e, cand[kinds[cand] == KIND_DONATE], roll, pick)] = KIND_DONATE
        final[self._disburse(e, cand[kinds[cand] == KIND_DISBURSE], comm, pick)] = KIND_DISBURSE
        self._award(e, np.flatnonzero(final == KIND_AWARD), comm, roll, delay, pick, d)
        e["kind"] = final
        self.staged.append(e)

    def _award(self, e, ai, comm, roll, delay, pick, d) -> None:
        world, ids, b = self.world, self.ids, self.bulk
        c, w, t = comm[ai], e["wal"][ai], e["t"][ai]
        points = self.rule_points[e["aux"][ai]]
        ends = t + self.notice * US
        pending = ends > world.end * US
        voided = ~pending & (roll[ai] < 0.003)
        posted = ~pending & ~voided
        office = pick[ai] % 100 < 15
        e["state"][ai] = np.where(pending, PENDING, np.where(voided, VOIDED, POSTED))
        e["cstate"][ai] = np.where(pending, 0, np.where(voided, 2, 1))
        e["r"][ai] = np.where(pending, -1, np.where(voided, t + 2 * DAY * US, ends))
        e["ends"][ai], e["filed"][ai] = ends, t - (delay[ai] * DAY * US).astype(np.int64)
        e["debit"][ai], e["credit"][ai], e["amount"][ai] = ids.issuance[c], ids.wallet_first + w, points
        e["filer"][ai] = np.where(office, self.workers[c, 0], world.user_first + w)
        e["operator"][ai] = np.where(office, self.workers[c, 1], self.workers[c, 0])
        e["office"][ai] = office
        e["claim"][ai] = b.ids(DeedClaim, len(ai)) + np.arange(len(ai))
        e["notice"][ai] = b.ids(Notice, len(ai)) + np.arange(len(ai))
        np.add.at(self.wallet[0], w[posted], points[posted])
        np.add.at(self.wallet[1], w[pending], points[pending])
        self.later[d + int(np.ceil(self.notice / DAY))].append((w[posted], points[posted]))
        self.counts["awards"] += len(ai)
        for rows, state in (
            (ai[posted & (roll[ai] < 0.008)], ObjectionState.DISMISSED),
            (ai[pending & (roll[ai] < 0.002)], ObjectionState.OPEN),
            (ai[voided], ObjectionState.UPHELD),
        ):
            for k in rows:
                self._objection(e[k], state)

    def _objection(self, row, state: str) -> None:
        t = min(row["t"] / US, self.world.end - DAY - 60)
        decided = None if state == ObjectionState.OPEN else t + DAY
        reason, decision = {
            ObjectionState.UPHELD: ("当天他不在小区，这件事不是他做的", "经核实异议成立，积分作废"),
            ObjectionState.DISMISSED: ("这件事我没看见，请核实", "经走访核实，善行属实"),
            ObjectionState.OPEN: ("请社区再核实一下", ""),
        }[state]
        neighbour = (int(row["wal"]) + 1) % len(self.avail)
        decider = None if decided is None else int(row["operator"])
        self.extra[Objection].append(
            (
                self.world.district.pk,
                int(row["notice"]),
                self.world.user_first + neighbour,
                reason,
                state,
                decider,
                decision,
            )
            + (self.bulk.ts(t + DAY / 2), self.bulk.ts(decided))
        )

    def _redeem(self, e, rc, roll, delay, pick, d) -> np.ndarray:
        world, ids, b = self.world, self.ids, self.bulk
        k = pick[rc] % len(self.reward_price)
        ok = self.avail[e["wal"][rc]] >= self.reward_price[k]
        rc, k = rc[ok], k[ok]
        w, t, price = e["wal"][rc], e["t"][rc], self.reward_price[k]
        self.avail[w] -= price
        end = world.end * US
        expires, collect = t + VOUCHER_DAYS * DAY * US, t + (delay[rc] * DAY * US).astype(np.int64)
        r = roll[rc]
        expired = (r < 0.08) & (expires <= end)
        cancelled = ~expired & (r < 0.12) & (t + DAY * US <= end)
        collected = ~expired & ~cancelled & (collect <= end)
        held = ~expired & ~cancelled & ~collected
        by_resident = cancelled & (r < 0.10)
        e["state"][rc] = np.where(collected, POSTED, np.where(held, PENDING, VOIDED))
        e["rstate"][rc] = np.where(collected, 1, np.where(cancelled, 2, np.where(expired, 3, 0)))
        e["r"][rc] = np.where(
            collected, collect, np.where(cancelled, t + DAY * US, np.where(expired, expires, -1))
        )
        e["ends"][rc] = expires
        e["debit"][rc], e["credit"][rc], e["amount"][rc], e["aux"][rc] = (
            ids.wallet_first + w,
            self.reward_account[k],
            price,
            k,
        )
        operator = self.reward_operator[k]
        e["collector"][rc] = np.where(collected, operator, -1)
        e["canceller"][rc] = np.where(cancelled, np.where(by_resident, world.user_first + w, operator), -1)
        e["byres"][rc] = by_resident
        rid = b.ids(Redemption, len(rc)) + np.arange(len(rc))
        e["rid"][rc], e["code"][rc] = rid, (rid * 2_654_435_761 + 97) % CODE_SPACE
        partner = self.reward_partner[k]
        np.subtract.at(self.wallet[0], w[collected], price[collected])
        np.add.at(self.partner[0], partner[collected], price[collected])
        np.add.at(self.wallet[2], w[held], price[held])
        np.add.at(self.partner[1], partner[held], price[held])
        back = expired | cancelled
        offsets = np.ceil((e["r"][rc][back] - t[back]) / (DAY * US)).astype(np.int64)
        for off in np.unique(offsets):
            sel = offsets == off
            self.later[d + int(off)].append((w[back][sel], price[back][sel]))
        self.counts["redemptions"] += len(rc)
        return rc

    def _donate(self, e, dc, roll, pick) -> np.ndarray:
        ids = self.ids
        w = e["wal"][dc]
        amount = np.minimum(DONATIONS[pick[dc] % 4], self.avail[w])
        ok = amount >= 5
        dc, w, amount = dc[ok], w[ok], amount[ok]
        c = self.wallet_comm[w]
        n_needy = self.needy_n[c]
        slot = (pick[dc] // 7) % np.maximum(n_needy, 1)
        recipient = self.needy_wallet[c, slot]
        to_person = (roll[dc] < 0.2) & (n_needy > 0) & (recipient != w) & (recipient >= 0)
        self.avail[w] -= amount
        np.subtract.at(self.wallet[0], w, amount)
        np.add.at(self.wallet[0], recipient[to_person], amount[to_person])
        np.add.at(self.avail, recipient[to_person], amount[to_person])
        np.add.at(self.pool_posted, c[~to_person], amount[~to_person])
        np.add.at(self.pool_avail, c[~to_person], amount[~to_person])
        e["state"][dc], e["r"][dc], e["amount"][dc] = POSTED, e["t"][dc], amount
        e["debit"][dc] = ids.wallet_first + w
        e["credit"][dc] = np.where(to_person, ids.wallet_first + recipient, ids.pool[c])
        e["other"][dc] = np.where(to_person, recipient, -1)
        e["aux"][dc] = np.where(to_person, self.needy_id[c, slot], -1)
        self.counts["donations"] += len(dc)
        return dc

    def _disburse(self, e, qc, comm, pick) -> np.ndarray:
        ids = self.ids
        qc = qc[self.needy_n[comm[qc]] > 0]
        _u, first = np.unique(comm[qc], return_index=True)
        qc = qc[first]  # one disbursement per community a day, so the pool's check is exact
        c = comm[qc]
        amount = DISBURSEMENTS[pick[qc] % 3]
        ok = self.pool_avail[c] >= amount
        qc, c, amount = qc[ok], c[ok], amount[ok]
        recipient = self.needy_wallet[c, (pick[qc] // 7) % self.needy_n[c]]
        self.pool_avail[c] -= amount
        self.pool_posted[c] -= amount
        np.add.at(self.wallet[0], recipient, amount)
        np.add.at(self.avail, recipient, amount)
        e["state"][qc], e["r"][qc], e["amount"][qc] = POSTED, e["t"][qc], amount
        e["wal"][qc] = recipient
        e["debit"][qc], e["credit"][qc] = ids.pool[c], ids.wallet_first + recipient
        e["operator"][qc] = self.workers[c, 0]
        e["notice"][qc] = self.bulk.ids(Notice, len(qc)) + np.arange(len(qc))
        e["ends"][qc] = e["t"][qc] + self.notice * US
        self.counts["disbursements"] += len(qc)
        return qc

    def unawarded(self, day_start: float, n: int) -> None:
        """Claims sent back by their review, and claims still waiting for review near the end."""
        world, rng, b = self.world, self.rng, self.bulk
        wallets = rng.choice(len(self.avail), n, p=self.activity).tolist()
        rules = rng.choice(len(world.rules), n, p=RULE_WEIGHTS).tolist()
        when = rng.uniform(0, 13 * 3600, n).tolist()
        first = b.ids(DeedClaim, n)
        for k, (w, rule, at) in enumerate(zip(wallets, rules, when, strict=True)):
            ci = int(self.wallet_comm[w])
            rule_id, points, cat, _name, _heading = world.rules[rule]
            filed = min(day_start + at, world.end - 60)
            waiting = filed > world.end - 2 * DAY
            decided = None if waiting else filed + DAY
            self.extra[DeedClaim].append(
                (
                    first + k,
                    world.district.pk,
                    int(self.community_ids[ci]),
                    int(world.person_ids[world.wallet_person[w]]),
                )
                + (rule_id, points, expand.local_date(filed - DAY), DEEDS[cat], world.user_first + w, "self")
                + (False, "submitted" if waiting else "rejected", None, b.ts(filed), b.ts(decided))
            )
            if not waiting:
                self.extra[Review].append(
                    (
                        world.district.pk,
                        first + k,
                        world.workers[ci][0],
                        "reject",
                        "照片看不清，请补充证明",
                        b.ts(decided),
                    )
                )

    # ------------------------------------------------------------ writing

    def flush(self, side=None) -> int:
        if not self.staged:
            return 0
        rows = np.concatenate(self.staged)
        self.staged = []
        expand.expand(rows, self.world, self.bulk, self.stage, side)
        for model, columns in expand.EXTRA_COLUMNS.items():
            extra = self.extra.pop(model, [])
            if extra:
                self.bulk.write(model, columns, extra)
        return len(rows)

    def balances(self) -> list[tuple[int, int, int, int]]:
        """(account, posted, pending in, pending out) of every account with a cached balance that moved."""
        ids = self.ids
        out = [
            (ids.wallet_first + int(w), int(p), int(i), int(o))
            for w in np.flatnonzero(self.wallet.any(axis=0))
            for p, i, o in [self.wallet[:, w]]
        ]
        out += [(int(ids.pool[c]), int(p), 0, 0) for c, p in enumerate(self.pool_posted) if p]
        out += [
            (a, int(p), int(i), 0)
            for a, p, i in zip(ids.partner_accounts, *self.partner, strict=True)
            if p or i
        ]
        return out


def year(
    world: World, ids: Ids, transfers: int, bulk: Bulk, *, progress: bool, sides=None, paused: bool = False
) -> dict:
    """Simulate the year day by day, logging each month's final transfers after the month.

    Without `sides`, each month is one transaction and is logged before the next begins. With
    `sides` (two `Side` connections, PostgreSQL), each statement commits on its own, two connections
    write each batch, and a month is logged on the second side while the next month is written.
    With `paused` (the log's queue triggers off, `log.queue_paused`), a month's checkpoint takes
    the month's transfers by their ids, which the generator handed out in one run.
    """
    days = max(1, int((world.end - world.start) // DAY) + 1)
    weekend = np.array([expand.weekday(world.start + d * DAY) >= 5 for d in range(days)])
    weights = np.where(weekend, 1.3, 1.0)
    per = np.floor(weights / weights.sum() * transfers).astype(np.int64)
    per[np.argsort(-weights, kind="stable")[: transfers - per.sum()]] += 1
    sim = Year(world, ids, bulk)
    unawarded = max(1, transfers // 40)
    bar = tqdm(
        total=transfers, desc="积分流水", unit="笔", disable=not progress, file=sys.stderr, mininterval=1
    )
    spent = {"simulate": 0.0, "write": 0.0, "log": 0.0}
    writer, logger = sides or (None, None)
    month_logged: Future | None = None

    def log_month(written: tuple[int, int] | None) -> float:
        t0 = time.perf_counter()
        # the ledger's own code appends and signs, as `bank settle` does
        log.checkpoint(world.district, written=written)
        return time.perf_counter() - t0

    d = 0
    sim.stage = expand.stage_create(world, ids, shared=sides is not None)
    while d < days:
        first = bulk.ids(Transfer, 0)
        with transaction.atomic() if sides is None else nullcontext():
            stop = min(days, d + 30)
            while d < stop:
                t0 = time.perf_counter()
                sim.day(d, int(per[d]))
                sim.unawarded(world.start + d * DAY, unawarded // days + (1 if d < unawarded % days else 0))
                t1 = time.perf_counter()
                if sum(len(s) for s in sim.staged) >= 200_000 or d == stop - 1:
                    bar.update(sim.flush(writer))
                spent["simulate"] += t1 - t0
                spent["write"] += time.perf_counter() - t1
                d += 1
        written = (first, bulk.ids(Transfer, 0)) if paused else None
        if logger is None:
            spent["log"] += log_month(written)
        else:
            if month_logged is not None:
                spent["log"] += month_logged.result()  # at most one month behind
            month_logged = logger.submit(log_month, written)
    if month_logged is not None:
        spent["log"] += month_logged.result()
    with transaction.atomic():
        expand.balances_write(sim.balances())
    expand.stage_drop()
    bar.close()
    return dict(sim.counts, **{f"{k}_seconds": round(v, 1) for k, v in spent.items()})
