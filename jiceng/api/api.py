"""The JSON API for the front ends districts already have (WeChat mini-programs, provincial portals).

Session authentication with CSRF, the same scope rules as the pages, and the same
services for every write. The OpenAPI schema is at /api/openapi.json and the docs at
/api/docs (served from local assets).

Input is validated by the same forms as the pages (`bank.forms.ClaimForm` for a claim),
so a length limit is declared once, on the form field, and holds here too. Malformed
text anywhere in a body (a lone surrogate such as "\\ud800", a NUL) is refused with
422 before any field is read, and every refusal says in Chinese what to change.
"""

import datetime as dt
import json

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import NinjaAPI, Schema, Status
from ninja.errors import HttpError, ValidationError
from ninja.parser import Parser
from ninja.security import django_auth

from jiceng.bank import log
from jiceng.bank.errors import ClaimError
from jiceng.bank.forms import ClaimForm
from jiceng.bank.models import Checkpoint
from jiceng.bank.queries.notices import board_region_get, notice_list_for_board
from jiceng.bank.queries.rules import rule_list_for
from jiceng.bank.queries.wallets import entry_list, entry_list_recent, wallet_get
from jiceng.bank.services.claims import claim_file
from jiceng.core.forms import form_errors_text
from jiceng.core.models import Role
from jiceng.core.scope import require_role
from jiceng.core.validators import text_problem
from jiceng.regions.models import Level, Region


class MalformedText(ValueError):
    """A string in a request body that no database can store."""


def _text_check(value, where: str = "") -> None:
    if isinstance(value, str):
        problem = text_problem(value)
        if problem:
            raise MalformedText(f"{where}：{problem}" if where else problem)
    elif isinstance(value, dict):
        for key, item in value.items():
            _text_check(key, where)
            _text_check(item, str(key) if isinstance(key, str) and not text_problem(key) else where)
    elif isinstance(value, list):
        for item in value:
            _text_check(item, where)


class TextCheckingParser(Parser):
    """JSON bodies whose every string (keys included) a database can store."""

    def parse_body(self, request):
        data = json.loads(request.body)
        _text_check(data)
        return data


api = NinjaAPI(
    title="基层 Jiceng API",
    version="1",
    auth=django_auth,
    urls_namespace="api",
    parser=TextCheckingParser(),
)

_PYDANTIC_MESSAGES = {
    "missing": gettext_lazy("缺少这一项，请填写"),
    "int_parsing": gettext_lazy("应为整数，例如 30"),
    "int_type": gettext_lazy("应为整数，例如 30"),
    "int_from_float": gettext_lazy("应为整数，例如 30"),
    "date_parsing": gettext_lazy("应为日期，写成 2024-01-31"),
    "date_from_datetime_parsing": gettext_lazy("应为日期，写成 2024-01-31"),
    "date_type": gettext_lazy("应为日期，写成 2024-01-31"),
    "string_type": gettext_lazy("应为文字"),
    "bool_parsing": gettext_lazy("应为 true 或 false"),
}


@api.exception_handler(HttpError)
def _http_error(request, exc: HttpError):
    if isinstance(exc.__cause__, MalformedText):
        return api.create_response(request, {"detail": str(exc.__cause__)}, status=422)
    if isinstance(exc.__cause__, ValueError):  # the body is not JSON at all
        detail = _("请求内容不是有效的 JSON，请检查后重新发送")
        return api.create_response(request, {"detail": detail}, status=400)
    return api.create_response(request, {"detail": str(exc)}, status=exc.status_code)


@api.exception_handler(ValidationError)
def _validation_error(request, exc: ValidationError):
    parts = []
    for error in exc.errors:
        field = ".".join(
            str(p) for p in error.get("loc", ()) if p not in ("body", "payload", "query", "path")
        )
        message = str(_PYDANTIC_MESSAGES.get(error.get("type"), _("填写的值无效，请按接口文档填写")))
        parts.append(f"{field}：{message}" if field else message)
    return api.create_response(request, {"detail": "；".join(parts)}, status=422)


class Error(Schema):
    detail: str


class Me(Schema):
    name: str
    community: str
    community_code: str
    available: int
    pending: int


class Entry(Schema):
    id: int
    amount: int
    kind: str
    state: str
    reason: str
    created_at: dt.datetime


class Rule(Schema):
    id: int
    code: str
    category: str
    name: str
    points: int
    points_mode: str
    evidence: str
    cap_month: int | None
    cap_year: int | None


class ClaimIn(Schema):
    rule_id: int
    deed_date: dt.date
    text: str
    minutes: int | None = None
    witness: str = ""


class ClaimOut(Schema):
    id: int
    state: str
    points: int


class NoticeOut(Schema):
    id: int
    masked_name: str
    title: str
    points: int
    state: str
    ends_at: dt.datetime


class CheckpointOut(Schema):
    size: int
    root_hash: str
    note: str
    created_at: dt.datetime


def _resident(request: HttpRequest):
    require_role(request.user, Role.RESIDENT)
    if request.user.person is None:
        raise Http404
    return request.user.person


@api.get("/me", response=Me, summary="我的积分概况")
def me(request):
    person = _resident(request)
    wallet = wallet_get(person)
    return Me(
        name=person.name,
        community=person.community.name,
        community_code=person.community.code,
        available=wallet.available if wallet else 0,
        pending=wallet.pending_in if wallet else 0,
    )


@api.get("/me/transfers", response=list[Entry], summary="我的积分明细（最近的在前）")
def my_transfers(request, limit: int = 20):
    wallet = wallet_get(_resident(request))
    if wallet is None:
        return []
    return [
        Entry(
            id=t.pk,
            amount=t.signed_amount,
            kind=t.kind,
            state=t.state,
            reason=t.reason,
            created_at=t.created_at,
        )
        for t in entry_list_recent(wallet, max(1, min(limit, 100)))
    ]


@api.get(
    "/me/transfers/{transfer_id}/proof", response={200: dict, 409: Error}, summary="某笔积分的公开账本证明"
)
def my_proof(request, transfer_id: int):
    wallet = wallet_get(_resident(request))
    if wallet is None:
        raise Http404
    t = get_object_or_404(entry_list(wallet), pk=transfer_id)
    try:
        return log.inclusion_bundle(t)
    except LookupError:
        return Status(409, Error(detail="这笔积分还没有记入公开账本，下一次签发检查点后即可下载证明"))


@api.get("/rules", response=list[Rule], summary="我可以申报的积分规则")
def rules(request):
    person = _resident(request)
    return [
        Rule(
            id=r.pk,
            code=r.code,
            category=r.category,
            name=r.name,
            points=r.points,
            points_mode=r.points_mode,
            evidence=r.evidence,
            cap_month=r.cap_month,
            cap_year=r.cap_year,
        )
        for r in rule_list_for(person.community)
    ]


@api.post("/claims", response={201: ClaimOut, 400: Error, 422: Error}, summary="申报善行")
def claim_create(request, payload: ClaimIn):
    person = _resident(request)
    # Only the rules open to the resident: another subdistrict's rule is not even named back.
    rule = rule_list_for(person.community, payload.deed_date).filter(pk=payload.rule_id).first()
    if rule is None:
        return Status(
            400,
            Error(
                detail=f"找不到这条积分规则，或它在 {payload.deed_date} 不适用于您的社区；可申报的规则见 /api/rules"
            ),
        )
    # The web form's own validation, so its limits (1,000 characters of text …) hold here too.
    form = ClaimForm(
        data={
            "rule": rule.pk,
            "deed_date": payload.deed_date,
            "text": payload.text,
            "minutes": "" if payload.minutes is None else payload.minutes,
            "witness": payload.witness,
        },
        rules=type(rule).objects.filter(pk=rule.pk),
    )
    if not form.is_valid():
        return Status(422, Error(detail=form_errors_text(form)))
    try:
        claim = claim_file(filer=request.user, data=form.claim_input(person))
    except ClaimError as exc:
        return Status(400, Error(detail=str(exc)))
    return Status(201, ClaimOut(id=claim.pk, state=claim.state, points=claim.points))


@api.get("/notices/{code}", response=list[NoticeOut], summary="公示栏（姓名已脱敏）")
def notices(request, code: str):
    region = board_region_get(request.user, code)
    if region is None:
        raise Http404
    qs = notice_list_for_board(region)
    return [
        NoticeOut(
            id=n.pk,
            masked_name=n.masked_name,
            title=n.title,
            points=n.points,
            state=n.state,
            ends_at=n.ends_at,
        )
        for n in qs
    ]


@api.get(
    "/ledger/{district_code}/checkpoints", auth=None, response=list[CheckpointOut], summary="公开账本检查点"
)
def checkpoints(request, district_code: str):
    district = get_object_or_404(Region, code=district_code, level=Level.DISTRICT)
    return [
        CheckpointOut(size=c.size, root_hash=c.root_hex, note=c.note, created_at=c.created_at)
        for c in Checkpoint.objects.filter(district=district).order_by("-size")[:50]
    ]
