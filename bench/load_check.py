"""After a load or fault run: every request that returned success has its effect, nothing is half-written.

The Locust users append one JSON line per successful write to a file of their own
(`load_locustfile.py`): a redemption names its login, the form's one-time id (which the
service turns into the ledger key `redeem-<person>-<id>`) and the voucher the redirect
led to; an approval names its login and the claim. `problems(...)` reads the database
and returns one sentence per thing that is wrong; an empty list means the run kept
every promise it made to a client.

Half-written means a transfer without the use case's own row or the other way round,
which the ledger's one statement per use case is meant to make impossible: a redemption
hold without its voucher, a voucher whose reward's stock did not move, an award of a
claim whose claim is not on notice, a claim on notice without its award or its notice.
"""

import json
from collections import Counter
from pathlib import Path


def records_read(path: Path) -> list[dict]:
    """The JSON lines of successful writes; a line cut short by a killed client is left out."""
    out = []
    if not path.exists():
        return out
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            out.append(json.loads(line))
        except ValueError:
            continue
    return out


def problems(records: list[dict], *, stock_before: dict[str, int], rule_code: str | None = None) -> list[str]:
    """Every success without its effect and every half-written use case, as sentences (empty: all well).

    `stock_before` is each watched reward's stock before the run (reward id → stock); its
    vouchers and its stock must add up afterwards. `rule_code` limits the claim checks to
    the claims of that rule (None: every claim of the district's users in `records`).
    """
    return _successes_missing(records) + _half_written(stock_before, rule_code)


def _successes_missing(records: list[dict]) -> list[str]:
    from jiceng.bank.models import ClaimState, Notice, Redemption, Review, Transfer
    from jiceng.core.models import User

    out = []
    users = {u.username: u for u in User.objects.filter(username__in={r["user"] for r in records})}
    for r in records:
        user = users.get(r["user"])
        if user is None:
            out.append(f"登录名 {r['user']} 不存在，却有成功的请求")
            continue
        if r["kind"] == "redeem":
            key = f"redeem-{user.person_id}-{r['request_id']}"
            made = Redemption.objects.filter(transfer__key=key, person_id=user.person_id).first()
            if made is None:
                out.append(f"兑换成功（{r['user']}，表单 {r['request_id']}）却没有兑换券和积分流水 {key}")
            elif str(made.pk) != str(r["voucher"]):
                out.append(f"兑换成功后跳转到兑换券 #{r['voucher']}，但积分流水 {key} 属于兑换券 #{made.pk}")
        elif r["kind"] == "review":
            claim_id = int(r["claim"])
            if not Review.objects.filter(claim_id=claim_id, reviewer=user, decision="approve").exists():
                out.append(f"审核通过成功（{r['user']}，申报 #{claim_id}）却没有审核记录")
            elif not Transfer.objects.filter(
                key=f"claim-{claim_id}", claim__state=ClaimState.ON_NOTICE
            ).exists():
                out.append(f"申报 #{claim_id} 已审核通过，却没有公示中的奖励积分流水")
            elif not Notice.objects.filter(claim_id=claim_id, transfer__key=f"claim-{claim_id}").exists():
                out.append(f"申报 #{claim_id} 已审核通过，却没有公示")
        else:
            out.append(f"不认识的记录：{r}")
    return out


def _half_written(stock_before: dict[str, int], rule_code: str | None) -> list[str]:
    from django.db.models import Count, Q

    from jiceng.bank.models import ClaimState, DeedClaim, Redemption, RedemptionState, Reward, Transfer

    out = []
    orphans = Transfer.objects.filter(kind="redemption", redemption__isnull=True).values_list("pk", flat=True)
    out += [f"积分流水 #{pk} 是兑换冻结，却没有兑换券" for pk in orphans[:20]]
    held = Counter(
        dict(
            Redemption.objects.filter(reward_id__in=[int(k) for k in stock_before])
            .exclude(state__in=[RedemptionState.CANCELLED, RedemptionState.EXPIRED])
            .values_list("reward_id")
            .annotate(n=Count("pk"))
        )
    )
    for reward in Reward.objects.filter(pk__in=[int(k) for k in stock_before]):
        taken = stock_before[str(reward.pk)] - reward.stock
        if taken != held[reward.pk]:
            out.append(f"兑换物品 #{reward.pk} 库存少了 {taken} 份，但有效兑换券是 {held[reward.pk]} 张")
    claims = DeedClaim.objects.all() if rule_code is None else DeedClaim.objects.filter(rule__code=rule_code)
    bare = claims.filter(state=ClaimState.ON_NOTICE).filter(Q(transfer__isnull=True) | Q(notice__isnull=True))
    out += [f"申报 #{pk} 公示中，却缺少奖励积分流水或公示" for pk in bare.values_list("pk", flat=True)[:20]]
    loose = Transfer.objects.filter(kind="award", cause_type="bank.deedclaim", claim__isnull=True)
    out += [
        f"积分流水 #{pk} 是申报的奖励，却没有申报指向它" for pk in loose.values_list("pk", flat=True)[:20]
    ]
    return out
