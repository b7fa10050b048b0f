"""The generated district's Moral Bank: a year of claims, awards, vouchers, donations and disbursements.

The year is simulated day by day. Every award comes from a claim, one review and a notice, as the
product makes it; a spend (a voucher, a donation, a love-pool disbursement) is made only from points
already posted and not held, so no balance is ever negative at any moment of the year, and a spend
that finds too few points becomes an award instead, so the count of transfers is exactly the one
asked for. The cached balances are summed as the rows are made and written last; `jiceng ledger
verify` proves them against the transfers. Each month is committed on its own, and the ledger's own
`log.checkpoint` then logs the month's final transfers, as `bank settle` would have.
"""

import datetime as dt
import sys
import time
from collections import defaultdict
from dataclasses import dataclass

import numpy as np
from django.db import connection, transaction
from tqdm import tqdm

from jiceng.bank import log
from jiceng.bank.models import (
    Account,
    AccountKind,
    AlliancePartner,
    Category,
    ClaimState,
    DeedClaim,
    Donation,
    EarningRule,
    FiledMode,
    Notice,
    NoticeState,
    Objection,
    ObjectionState,
    PartnerState,
    PersonInNeed,
    Redemption,
    RedemptionState,
    Review,
    Reward,
    Transfer,
    TransferKind,
    TransferState,
)
from jiceng.bank.queries.notices import notice_days, notice_heading
from jiceng.bank.services.rewards import CODE_ALPHABET, CODE_LENGTH, VOUCHER_DAYS
from jiceng.core import crypto
from jiceng.core.models import Role, RoleGrant, User
from jiceng.orgs.models import Kind, Organization
from jiceng.scale.bulk import Bulk
from jiceng.scale.people import UNUSABLE, World

DAY = 86_400
# Shares of the transfers asked for: awards, vouchers, donations, love-pool disbursements.
MIX = (0.55, 0.30, 0.12, 0.03)
RULES = (
    ("gen-help-elder", Category.HELPING, "帮扶孤寡老人", 10),
    ("gen-volunteer", Category.VOLUNTEER, "社区志愿服务", 5),
    ("gen-patrol", Category.PATROL, "平安巡逻", 8),
    ("gen-sorting", Category.ENVIRONMENT, "垃圾分类值守", 3),
    ("gen-neighbour", Category.NEIGHBOUR, "邻里互助", 5),
    ("gen-filial", Category.FILIAL, "孝老爱亲", 20),
    ("gen-honesty", Category.HONESTY, "拾金不昧", 30),
    ("gen-bravery", Category.BRAVERY, "见义勇为", 100),
)
RULE_WEIGHTS = np.array([0.15, 0.35, 0.12, 0.18, 0.12, 0.05, 0.025, 0.005])
DEEDS = {
    Category.HELPING: "陪同独居老人就医并帮忙取药",
    Category.VOLUNTEER: "参加社区志愿服务，维持秩序",
    Category.PATROL: "晚间参加小区平安巡逻两小时",
    Category.ENVIRONMENT: "在垃圾分类点值守，指导邻居分类投放",
    Category.NEIGHBOUR: "帮助邻居搬运物品、照看孩子",
    Category.FILIAL: "长期照料卧床的父母",
    Category.HONESTY: "捡到钱包交还失主",
    Category.BRAVERY: "制止偷窃行为并协助报警",
}
REWARDS = (("洗衣液一瓶", 30), ("理发一次", 50), ("粮油一份", 80), ("体检一次", 200))


@dataclass
class Ids:
    issuance: np.ndarray  # community index → account id
    pool: np.ndarray
    wallet_first: int  # wallet w's account is wallet_first + w
    partner_accounts: list[int]
    rewards: list[tuple[int, int, int, int, int, str]]  # (reward, partner, account, price, operator, name)
    in_need: dict[int, list[tuple[int, int]]]  # community index → [(person in need id, wallet index)]


def _voucher_code(n: int) -> str:
    """A distinct 8-character code for each n < 31^8 (an odd multiplier is a bijection mod 31^8)."""
    space = len(CODE_ALPHABET) ** CODE_LENGTH
    v = (n * 2_654_435_761 + 97) % space
    out = []
    for _ in range(CODE_LENGTH):
        v, r = divmod(v, len(CODE_ALPHABET))
        out.append(CODE_ALPHABET[r])
    return "".join(out)


def setup(world: World, bulk: Bulk) -> Ids:
    """Rules, the communities' issuance and love-pool accounts, partners with their rewards and
    operators, the wallets (balances written last) and a few residents in need per community."""
    district, start = world.district, dt.date.fromtimestamp(world.start)
    rules = EarningRule.objects.bulk_create(
        EarningRule(district=district, code=code, category=cat, name=name, points=points, active_from=start)
        for code, cat, name, points in RULES
    )
    world.rules = [(r.pk, r.points, r.category, r.name, notice_heading(r)) for r in rules]
    issuance = Account.objects.bulk_create(
        Account(district=district, kind=AccountKind.ISSUANCE, community=c, name=f"{c.name}积分发行")
        for c in world.communities
    )
    pools = Account.objects.bulk_create(
        Account(district=district, kind=AccountKind.LOVE_POOL, community=c, name=f"{c.name}爱心池")
        for c in world.communities
    )
    units = list(
        Organization.objects.filter(district=district, kind=Kind.UNIT).select_related("region").order_by("pk")
    )
    operators = User.objects.bulk_create(
        User(username=f"gen-unit-{o.pk}", display_name=f"{o.name}操作员", password=UNUSABLE) for o in units
    )
    RoleGrant.objects.bulk_create(
        RoleGrant(user=u, role=Role.UNIT_OPERATOR, organization=o)
        for u, o in zip(operators, units, strict=True)
    )
    subs = {s.code[:9]: s for s in world.subdistricts}
    partners = AlliancePartner.objects.bulk_create(
        AlliancePartner(
            district=district,
            subdistrict=subs[o.region.code[:9]],
            organization=o,
            state=PartnerState.APPROVED,
            address=f"{o.region.name}{o.name}",
            contact_name="联系人",
            contact_phone="13900000000",
            applied_by_id=u.pk,
            decided_by_id=world.street_admins[subs[o.region.code[:9]].pk],
        )
        for o, u in zip(units, operators, strict=True)
    )
    accounts = Account.objects.bulk_create(
        Account(district=district, kind=AccountKind.PARTNER, organization=o, name=o.name) for o in units
    )
    until = dt.date.fromtimestamp(world.end) + dt.timedelta(days=365)
    rewards = []
    for p, acc, op in zip(partners, accounts, operators, strict=True):
        for name, price in REWARDS:
            r = Reward(
                partner=p,
                name=name,
                points_price=price,
                stock=500,
                per_person_limit=100,
                valid_from=start,
                valid_to=until,
                place=p.address,
            )
            rewards.append((r, p.pk, acc.pk, price, op.pk))
    Reward.objects.bulk_create([r for r, *_ in rewards])
    wallet_first = bulk.ids(Account, len(world.wallet_person))
    created = bulk.ts(world.start)
    bulk.write(
        Account,
        [
            "id",
            "district_id",
            "kind",
            "person_id",
            "name",
            "posted",
            "pending_in",
            "pending_out",
            "created_at",
        ],
        (
            (
                wallet_first + w,
                district.pk,
                AccountKind.WALLET,
                int(world.person_ids[p]),
                world.names[p],
                0,
                0,
                0,
            )
            + (created,)
            for w, p in enumerate(world.wallet_person)
        ),
    )
    # Three residents in need per community, among those with a wallet.
    by_community: dict[int, list[int]] = defaultdict(list)
    for w, p in enumerate(world.wallet_person):
        ci = int(world.person_community[p])
        if len(by_community[ci]) < 3:
            by_community[ci].append(w)
    needy = [
        (
            PersonInNeed(
                community=world.communities[ci],
                person_id=int(world.person_ids[world.wallet_person[w]]),
                reason="独居老人，行动不便",
                named_by_id=world.workers[ci][0],
            ),
            ci,
            w,
        )
        for ci, ws in sorted(by_community.items())
        for w in ws
    ]
    PersonInNeed.objects.bulk_create([n for n, _c, _w in needy])
    in_need: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for n, ci, w in needy:
        in_need[ci].append((n.pk, w))
    return Ids(
        issuance=np.array([a.pk for a in issuance]),
        pool=np.array([a.pk for a in pools]),
        wallet_first=wallet_first,
        partner_accounts=[a.pk for a in accounts],
        rewards=[(r.pk, pid, acc, price, op, r.name) for r, pid, acc, price, op in rewards],
        in_need=dict(in_need),
    )


class Year:
    """The simulation's state: spendable points per wallet and pool, points coming free on later
    days (awards posted after their notice, voided vouchers given back), and the cached balances."""

    def __init__(self, world: World, ids: Ids, bulk: Bulk):
        self.world, self.ids, self.bulk = world, ids, bulk
        self.rng = world.rng
        nw = len(world.wallet_person)
        self.avail = np.zeros(nw, dtype=np.int64)
        self.pool_avail = np.zeros(len(world.communities), dtype=np.int64)
        self.later: dict[int, list[tuple[int, int]]] = defaultdict(list)  # day → [(wallet, points)]
        self.balances: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0])  # account → cached balances
        self.wallet_posted = np.zeros(nw, dtype=np.int64)
        self.wallet_in = np.zeros(nw, dtype=np.int64)
        self.wallet_out = np.zeros(nw, dtype=np.int64)
        self.activity = self.rng.gamma(0.6, 1.0, nw)  # a few residents do most of the good deeds
        self.activity /= self.activity.sum()
        self.masked = {}
        self.notice = notice_days() * DAY
        self.claim_n = self.review_n = 0
        self.rows: dict[type, list[tuple]] = defaultdict(list)
        self.counts: dict[str, int] = defaultdict(int)

    def masked_name(self, w: int) -> str:
        name = self.masked.get(w)
        if name is None:
            name = self.masked[w] = crypto.mask_name(self.world.names[self.world.wallet_person[w]])
        return name

    def _user(self, w: int) -> int:
        return self.world.user_first + w

    def _community(self, w: int) -> int:
        return int(self.world.person_community[self.world.wallet_person[w]])

    def _move(self, debit: int, credit: int, amount: int, state: str) -> None:
        """Cached balances of non-wallet accounts (wallets are summed in arrays)."""
        if state == TransferState.POSTED:
            self.balances[debit][0] -= amount
            self.balances[credit][0] += amount
        elif state == TransferState.PENDING:
            self.balances[debit][2] += amount
            self.balances[credit][1] += amount

    def day(self, d: int, n: int) -> None:
        """Make `n` transfers on day `d` (days since the start), in time order."""
        world, rng = self.world, self.rng
        for w, pts in self.later.pop(d, ()):
            if w < 0:
                self.pool_avail[-w - 1] += pts
            else:
                self.avail[w] += pts
        base = world.start + d * DAY
        times = np.sort(base + rng.uniform(0, 13 * 3600, n))  # 08:00 to 21:00 local time
        times = np.minimum(times, world.end - 120)
        kinds = rng.choice(4, n, p=MIX)
        wallets = rng.choice(len(self.avail), n, p=self.activity)
        # Every random figure of the day drawn at once (a draw per row costs more than the row).
        self.rule = rng.choice(len(world.rules), n, p=RULE_WEIGHTS).tolist()
        self.roll = rng.random(n).tolist()
        self.delay = rng.uniform(0.1, 3, n).tolist()
        self.pick = rng.integers(0, 1 << 30, n).tolist()
        spenders = set()
        first = self.bulk.ids(Transfer, n)
        for i, (t, w, kind) in enumerate(zip(times.tolist(), wallets.tolist(), kinds.tolist(), strict=True)):
            tid = first + i
            self.i = i
            if kind and w not in spenders and self._spend(kind, tid, t, w, d):
                spenders.add(w)
                continue
            self._award(tid, t, w, d)

    # ------------------------------------------------------------ awards

    def _award(self, tid: int, t: float, w: int, d: int) -> None:
        world, b, i = self.world, self.bulk, self.i
        rule_id, points, cat, name, heading = world.rules[self.rule[i]]
        ci = self._community(w)
        cid = b.ids(DeedClaim, 1)
        nid = b.ids(Notice, 1)
        filed = t - self.delay[i] * DAY
        roll = self.roll[i]
        office = self.pick[i] % 100 < 15
        workers = world.workers[ci]
        filer = workers[0] if office else self._user(w)
        reviewer = workers[1] if office else workers[0]
        ends = t + self.notice
        if ends > world.end:
            state, resolved, claim_state, notice_state = (
                TransferState.PENDING,
                None,
                ClaimState.ON_NOTICE,
                NoticeState.OPEN,
            )
        elif roll < 0.003:
            state, resolved, claim_state, notice_state = (
                TransferState.VOIDED,
                t + 2 * DAY,
                ClaimState.VOIDED,
                NoticeState.VOIDED,
            )
        else:
            state, resolved, claim_state, notice_state = (
                TransferState.POSTED,
                ends,
                ClaimState.CREDITED,
                NoticeState.SETTLED,
            )
        debit, credit = int(self.ids.issuance[ci]), self.ids.wallet_first + w
        text = DEEDS[cat]
        self.rows[Transfer].append(
            (tid, world.district.pk, f"claim-{cid}", "", debit, credit, points, TransferKind.AWARD, state)
            + (f"{name}：{text}", reviewer, "bank.deedclaim", str(cid), b.ts(t), b.ts(resolved))
        )
        self.rows[DeedClaim].append(
            (
                cid,
                world.district.pk,
                int(world.communities[ci].pk),
                int(world.person_ids[world.wallet_person[w]]),
            )
            + (rule_id, points, dt.date.fromtimestamp(filed - DAY).isoformat(), text, filer)
            + (FiledMode.OFFICE if office else FiledMode.SELF, False, claim_state, tid, b.ts(filed), b.ts(t))
        )
        self.rows[Review].append((cid, reviewer, "approve", "", b.ts(t)))
        self.rows[Notice].append(
            (nid, world.district.pk, int(world.communities[ci].pk), Notice.Kind.AWARD, cid, tid)
            + (self.masked_name(w), heading, points, b.ts(t), b.ts(ends), notice_state)
        )
        self.counts["awards"] += 1
        if state == TransferState.POSTED:
            self.balances[debit][0] -= points
            self.wallet_posted[w] += points
            self.later[d + int(np.ceil(self.notice / DAY))].append((w, points))
            if roll < 0.008:  # an objection that the community looked into and dismissed
                self._objection(nid, w, ci, t, ObjectionState.DISMISSED)
        elif state == TransferState.PENDING:
            self.wallet_in[w] += points
            if roll < 0.002:  # still being looked into: settle leaves it until it is decided
                self._objection(nid, w, ci, t, ObjectionState.OPEN)
        else:
            self._objection(nid, w, ci, t, ObjectionState.UPHELD)

    def _objection(self, nid: int, w: int, ci: int, t: float, state: str) -> None:
        neighbour = (w + 1) % len(self.avail)
        decided = None if state == ObjectionState.OPEN else t + 2 * DAY
        t = min(t, self.world.end - DAY - 60)
        reason = {
            ObjectionState.UPHELD: ("当天他不在小区，这件事不是他做的", "经核实异议成立，积分作废"),
            ObjectionState.DISMISSED: ("这件事我没看见，请核实", "经走访核实，善行属实"),
            ObjectionState.OPEN: ("请社区再核实一下", ""),
        }[state]
        self.rows[Objection].append(
            (
                nid,
                self._user(neighbour),
                reason[0],
                state,
                None if decided is None else self.world.workers[ci][0],
            )
            + (reason[1], self.bulk.ts(t + DAY), self.bulk.ts(decided))
        )

    # ------------------------------------------------------------ spends

    def _spend(self, kind: int, tid: int, t: float, w: int, d: int) -> bool:
        if kind == 1:
            return self._redeem(tid, t, w, d)
        if kind == 2:
            return self._donate(tid, t, w)
        return self._disburse(tid, t, w)

    def _redeem(self, tid: int, t: float, w: int, d: int) -> bool:
        world, b, i = self.world, self.bulk, self.i
        reward_id, partner_id, account, price, operator, name = self.ids.rewards[
            self.pick[i] % len(self.ids.rewards)
        ]
        if self.avail[w] < price:
            return False
        self.avail[w] -= price
        rid = b.ids(Redemption, 1)
        roll, expires = self.roll[i], t + VOUCHER_DAYS * DAY
        collect_at = t + self.delay[i] * DAY
        collected_by = cancelled_by = None
        by_resident = False
        if roll < 0.08 and expires <= world.end:
            r_state, state, resolved = RedemptionState.EXPIRED, TransferState.VOIDED, expires
        elif roll < 0.12 and t + DAY <= world.end:
            r_state, state, resolved = RedemptionState.CANCELLED, TransferState.VOIDED, t + DAY
            by_resident = roll < 0.10
            cancelled_by = self._user(w) if by_resident else operator
        elif collect_at <= world.end:
            r_state, state, resolved, collected_by = (
                RedemptionState.COLLECTED,
                TransferState.POSTED,
                collect_at,
                operator,
            )
        else:
            r_state, state, resolved = RedemptionState.PENDING, TransferState.PENDING, None
        debit = self.ids.wallet_first + w
        person = int(world.person_ids[world.wallet_person[w]])
        self.rows[Transfer].append(
            (
                tid,
                world.district.pk,
                f"redeem-{person}-gen{tid}",
                "",
                debit,
                account,
                price,
                TransferKind.REDEMPTION,
            )
            + (state, f"兑换：{name}", None, "bank.reward", str(reward_id), b.ts(t), b.ts(resolved))
        )
        self.rows[Redemption].append(
            (rid, world.district.pk, reward_id, partner_id, person, price, _voucher_code(rid), r_state, tid)
            + (b.ts(expires), b.ts(t), b.ts(resolved), collected_by, cancelled_by, by_resident)
        )
        self.counts["redemptions"] += 1
        if state == TransferState.POSTED:
            self.wallet_posted[w] -= price
            self.balances[account][0] += price
        elif state == TransferState.PENDING:
            self.wallet_out[w] += price
            self.balances[account][1] += price
        else:
            self.later[d + int(np.ceil((resolved - t) / DAY))].append((w, price))
        return True

    def _donate(self, tid: int, t: float, w: int) -> bool:
        world, b, i = self.world, self.bulk, self.i
        points = min((5, 10, 20, 50)[self.pick[i] % 4], int(self.avail[w]))
        if points < 5:
            return False
        ci = self._community(w)
        person = int(world.person_ids[world.wallet_person[w]])
        needy = [(n, r) for n, r in self.ids.in_need.get(ci, ()) if r != w]
        self.avail[w] -= points
        self.wallet_posted[w] -= points
        if needy and self.roll[i] < 0.2:
            need_id, r = needy[self.pick[i] // 7 % len(needy)]
            credit = self.ids.wallet_first + r
            reason = f"善行传递：{self.masked_name(w)} 赠予 {self.masked_name(r)} 的爱心积分"
            self.wallet_posted[r] += points
            self.avail[r] += points
        else:
            need_id, credit = None, int(self.ids.pool[ci])
            reason = f"善行传递：捐入{world.communities[ci].name}爱心池"
            self.balances[credit][0] += points
            self.pool_avail[ci] += points
        self.rows[Transfer].append(
            (
                tid,
                world.district.pk,
                f"donate-{person}-gen{tid}",
                "",
                self.ids.wallet_first + w,
                credit,
                points,
            )
            + (
                TransferKind.DONATION,
                TransferState.POSTED,
                reason,
                None,
                "bank.donation",
                "",
                b.ts(t),
                b.ts(t),
            )
        )
        self.rows[Donation].append(
            (person, int(world.communities[ci].pk), need_id, points, "一点心意", tid, b.ts(t))
        )
        self.counts["donations"] += 1
        return True

    def _disburse(self, tid: int, t: float, w: int) -> bool:
        world, b, i = self.world, self.bulk, self.i
        ci = self._community(w)
        needy = self.ids.in_need.get(ci)
        points = (10, 20, 50)[self.pick[i] % 3]
        if not needy or self.pool_avail[ci] < points:
            return False
        _need, r = needy[self.pick[i] // 7 % len(needy)]
        pool = int(self.ids.pool[ci])
        self.pool_avail[ci] -= points
        self.balances[pool][0] -= points
        self.wallet_posted[r] += points
        self.avail[r] += points
        why = "节日慰问困难居民"
        self.rows[Transfer].append(
            (tid, world.district.pk, f"disburse-{world.communities[ci].pk}-gen{tid}", "", pool)
            + (self.ids.wallet_first + r, points, TransferKind.DISBURSEMENT, TransferState.POSTED)
            + (f"爱心池发放：{why}", world.workers[ci][0], "bank.love_pool", str(world.communities[ci].pk))
            + (b.ts(t), b.ts(t))
        )
        self.rows[Notice].append(
            (
                b.ids(Notice, 1),
                world.district.pk,
                int(world.communities[ci].pk),
                Notice.Kind.DISBURSEMENT,
                None,
                tid,
            )
            + (self.masked_name(r), why, points, b.ts(t), b.ts(t + self.notice), NoticeState.INFO)
        )
        self.counts["disbursements"] += 1
        return True

    # ------------------------------------------------------------ claims that moved no points

    def unawarded(self, day_start: float, n: int) -> None:
        """Claims sent back (a review that refused), and claims still waiting for review near the end."""
        world, rng, b = self.world, self.rng, self.bulk
        wallets = rng.choice(len(self.avail), n, p=self.activity).tolist()
        rules = rng.choice(len(world.rules), n, p=RULE_WEIGHTS).tolist()
        when = rng.uniform(0, 13 * 3600, n).tolist()
        for w, rule, at in zip(wallets, rules, when, strict=True):
            ci = self._community(w)
            rule_id, points, cat, _name, _heading = world.rules[rule]
            filed = min(day_start + at, world.end - 60)
            cid = b.ids(DeedClaim, 1)
            waiting = filed > world.end - 2 * DAY
            decided = None if waiting else filed + DAY
            self.rows[DeedClaim].append(
                (
                    cid,
                    world.district.pk,
                    int(world.communities[ci].pk),
                    int(world.person_ids[world.wallet_person[w]]),
                )
                + (rule_id, points, dt.date.fromtimestamp(filed - DAY).isoformat(), DEEDS[cat], self._user(w))
                + (FiledMode.SELF, False, ClaimState.SUBMITTED if waiting else ClaimState.REJECTED, None)
                + (b.ts(filed), b.ts(decided))
            )
            if not waiting:
                self.rows[Review].append(
                    (cid, world.workers[ci][0], "reject", "照片看不清，请补充证明", b.ts(decided))
                )

    # ------------------------------------------------------------ writing

    COLUMNS = {
        Transfer: [
            "id",
            "district_id",
            "key",
            "payload_hash",
            "debit_id",
            "credit_id",
            "amount",
            "kind",
            "state",
        ]
        + ["reason", "operator_id", "cause_type", "cause_id", "created_at", "resolved_at"],
        DeedClaim: [
            "id",
            "district_id",
            "community_id",
            "claimant_id",
            "rule_id",
            "points",
            "deed_date",
            "text",
        ]
        + ["filed_by_id", "filed_mode", "text_public", "state", "transfer_id", "created_at", "decided_at"],
        Review: ["claim_id", "reviewer_id", "decision", "reason", "created_at"],
        Notice: [
            "id",
            "district_id",
            "community_id",
            "kind",
            "claim_id",
            "transfer_id",
            "masked_name",
            "title",
        ]
        + ["points", "starts_at", "ends_at", "state"],
        Objection: ["notice_id", "objector_id", "reason", "state", "decided_by_id", "decision_reason"]
        + ["created_at", "decided_at"],
        Redemption: ["id", "district_id", "reward_id", "partner_id", "person_id", "points", "code", "state"]
        + ["transfer_id", "expires_at", "created_at", "resolved_at", "collected_by_id", "cancelled_by_id"]
        + ["cancelled_by_resident"],
        Donation: [
            "donor_id",
            "community_id",
            "recipient_id",
            "points",
            "message",
            "transfer_id",
            "created_at",
        ],
    }

    def flush(self) -> int:
        """Write what the days made since the last flush; returns the transfers written."""
        n = len(self.rows[Transfer])
        for model, columns in self.COLUMNS.items():
            rows = self.rows.pop(model, [])
            if rows:
                self.bulk.write(model, columns, rows)
        return n

    def write_balances(self) -> None:
        """Every cached balance, summed while the rows were made (`ledger verify` recomputes them)."""
        rows = [
            (self.ids.wallet_first + w, int(p), int(i), int(o))
            for w, (p, i, o) in enumerate(
                zip(self.wallet_posted, self.wallet_in, self.wallet_out, strict=True)
            )
            if p or i or o
        ]
        issuance = {int(a) for a in self.ids.issuance}
        rows += [(acc, *bal) for acc, bal in self.balances.items() if acc not in issuance]
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(
                    "CREATE TEMP TABLE gen_balance (id bigint, posted bigint, pending_in bigint, pending_out bigint)"
                    " ON COMMIT DROP"
                )
                with cursor.cursor.copy("COPY gen_balance FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
                cursor.execute(
                    f"UPDATE {Account._meta.db_table} a SET posted = g.posted, pending_in = g.pending_in,"
                    " pending_out = g.pending_out FROM gen_balance g WHERE a.id = g.id"
                )
            else:
                cursor.executemany(
                    f"UPDATE {Account._meta.db_table} SET posted = %s, pending_in = %s, pending_out = %s WHERE id = %s",
                    [(p, i, o, pk) for pk, p, i, o in rows],
                )


def year(world: World, ids: Ids, transfers: int, bulk: Bulk, *, progress: bool) -> dict:
    """Simulate the year day by day, a month per transaction, logging each month's final transfers."""
    days = max(1, int((world.end - world.start) // DAY) + 1)
    weekday = np.array(
        [1.3 if dt.date.fromtimestamp(world.start + d * DAY).weekday() >= 5 else 1.0 for d in range(days)]
    )
    per = np.floor(weekday / weekday.sum() * transfers).astype(np.int64)
    per[np.argsort(-weekday, kind="stable")[: transfers - per.sum()]] += 1
    sim = Year(world, ids, bulk)
    unawarded = max(1, transfers // 40)
    bar = tqdm(
        total=transfers, desc="积分流水", unit="笔", disable=not progress, file=sys.stderr, mininterval=1
    )
    logged = 0.0
    d = 0
    while d < days:
        with transaction.atomic():
            stop = min(days, d + 30)
            while d < stop:
                sim.day(d, int(per[d]))
                sim.unawarded(world.start + d * DAY, unawarded // days + (1 if d < unawarded % days else 0))
                bar.update(sim.flush())
                d += 1
        t0 = time.perf_counter()
        log.checkpoint(world.district)  # the ledger's own code logs and signs, as `bank settle` does
        logged += time.perf_counter() - t0
    with transaction.atomic():
        sim.write_balances()
    bar.close()
    return dict(sim.counts, log_seconds=round(logged, 1))
