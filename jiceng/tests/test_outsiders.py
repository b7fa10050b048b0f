"""Every URL, walked by outsiders: nobody gets what belongs to another community.

The test enumerates every pattern of `jiceng.urls` (through includes and namespaces,
the JSON API included) and requests each one, GET and POST, as an anonymous visitor
and as an outsider of each role: a resident and a community worker of community B1,
the operator of a unit in B1 and the administrator of subdistrict B. Every URL kwarg is
filled with an object of the victim world (`outsiders_world.build_world`), which all
belongs to community A1 of subdistrict A.

An answer passes when it is 401, 403, 404 or 405, or a redirect to the login page.
Anything else must be listed in `PUBLIC`, with the actors that may have it and why;
and even then no answer served may contain one of the victim world's markers.

New URLs are walked automatically. A new URL with a kwarg fails here until `TARGETS`
says which victim object to pass (and `build_world` builds it); a new page that an
outsider may open fails until `PUBLIC` says who and why. A second test checks that
each object passed is reachable by its own insiders, so a wrong map cannot make the
outsiders' 404s meaningless.
"""

import copy
import datetime as dt
import io
import json
from urllib.parse import urlencode, urlsplit

import pytest
from django.apps import apps
from django.db import transaction
from django.db.models import Model
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from openpyxl import load_workbook

from jiceng.tests.outsiders_world import build_world

pytestmark = pytest.mark.django_db

OUTSIDERS = {
    "anonymous": None,
    "resident": "outsider",
    "worker": "outsider_worker",
    "unit": "outsider_unit",
    "sub_admin": "outsider_sub_admin",
    "grid": "outsider_grid",
}
INSIDERS = ("resident", "worker", "unit", "sub_admin", "district_admin", "grid")
METHODS = ("get", "post")
DENIED = {401, 403, 404, 405}

ANYONE = frozenset(OUTSIDERS)
SIGNED_IN = ANYONE - {"anonymous"}
STAFF = frozenset({"worker", "sub_admin"})
ORGANISERS = frozenset({"worker", "unit", "sub_admin"})
WITH_REGION = SIGNED_IN - {"unit"}  # a unit operator's grant names an organisation, not a region

# Namespaces not walked, and why.
SKIPPED = {
    "admin": "Django's own admin: staff accounts only (is_staff), behind its own login; no role reaches it",
}

# URL name -> (who may be served it, why). Every other answer must be a denial.
PUBLIC: dict[str, tuple[frozenset, str]] = {
    # open to everyone
    "login": (ANYONE, "the login page"),
    "favicon": (ANYONE, "the product's icon, which browsers ask for at the root"),
    "set_language": (ANYONE, "switches the language of the requester's own session"),
    "core:text_size": (ANYONE, "sets the text size (标准/大/特大) of the requester's own browser"),
    "bank:log": (ANYONE, "the ledger's signed checkpoints are published for anyone to compare and keep"),
    "bank:consistency": (ANYONE, "a consistency proof between two published checkpoints"),
    "api:checkpoints": (ANYONE, "the published checkpoints, as JSON"),
    "api:openapi-json": (ANYONE, "the API's schema: endpoints and fields, no data"),
    "api:openapi-view": (ANYONE, "the API's documentation page, no data"),
    # every signed-in user, each for themselves
    "home": (SIGNED_IN, "sends each user to their own role home"),
    "core:profile": (SIGNED_IN, "the requester's own profile"),
    "bank:my_board": (WITH_REGION, "sends the user to the notice board of their own community or region"),
    "bank:notices": (ANYONE, "公示 is public: anyone may read a board, names masked, no contact details"),
    "portal:community": (ANYONE, "a community's public page: counts, shared entries, its boards"),
    "board_short": (ANYONE, "the short address printed under a board's QR code: a redirect to the board"),
    "bank:notice_object": (WITH_REGION, "any resident of the district may object; others are told why not"),
    "api:notices": (WITH_REGION, "the district-wide notice board as JSON, names masked"),
    # residents, each for themselves
    "portal:resident_home": ({"resident"}, "the resident's own home"),
    "bank:my_points": ({"resident"}, "the resident's own wallet"),
    "bank:my_proofs": ({"resident"}, "the resident's own transfers with their proofs, as JSON"),
    "bank:claim_new": ({"resident"}, "files a claim for the resident themselves"),
    "bank:my_claims": ({"resident"}, "the resident's own claims"),
    "bank:witness_claim": ({"resident"}, "puts forward a neighbour of the resident's own subdistrict"),
    "bank:rewards": ({"resident"}, "the alliance's shelf is open to every resident of the district"),
    "bank:reward": ({"resident"}, "a reward on the district-wide shelf"),
    "bank:reward_redeem": (
        {"resident"},
        "redeeming from the district-wide shelf with the resident's own points",
    ),
    "bank:my_vouchers": ({"resident"}, "the resident's own vouchers"),
    "bank:give": ({"resident"}, "the resident gives their own points"),
    "diary:list": ({"resident"}, "the resident's own diary"),
    "diary:new": ({"resident"}, "writes in the resident's own diary"),
    "alliance:my_needs": ({"resident"}, "the resident's own needs"),
    "alliance:report_in_me": ({"resident"}, "the resident's own report-in"),
    "activities:my_code": ({"resident"}, "the resident's own check-in code"),
    "api:me": ({"resident"}, "the resident's own wallet, as JSON"),
    "api:my_transfers": ({"resident"}, "the resident's own transfers, as JSON"),
    "api:rules": ({"resident"}, "the rules of the resident's own community, as JSON"),
    "api:claim_create": ({"resident"}, "files a claim for the resident themselves"),
    # staff and organisers, each in their own area
    "portal:workbench": (STAFF, "to-do counts and figures of the requester's own region"),
    "portal:vouchers_expiring": (STAFF, "near-expiry vouchers of the requester's own region"),
    "core:audit": ({"sub_admin"}, "the audit log of the administrator's own subdistrict"),
    "core:audit_xlsx": ({"sub_admin"}, "the audit log of the administrator's own subdistrict"),
    "portal:unit_home": ({"unit"}, "the unit operator's own organisations"),
    "cockpit:overview": (STAFF, "figures of the requester's own region"),
    "people:list": (STAFF, "residents of the requester's own region"),
    "people:import": (STAFF, "imports into the requester's own region"),
    "people:import_template": (STAFF, "an empty spreadsheet template"),
    "circle:map": (STAFF, "the service circle of the requester's own region"),
    "circle:layers": (STAFF, "the map layers of the requester's own region"),
    "circle:recommend": (STAFF, "site recommendations for the requester's own region"),
    "circle:export": (STAFF, "the coverage workbook of the requester's own region"),
    "circle:places": (STAFF, "service places of the requester's own region"),
    "circle:import": (
        STAFF,
        "imports into the requester's own region; the kwarg is a table kind, not an object",
    ),
    "circle:import_template": (STAFF, "an empty spreadsheet template; the kwarg is a table kind"),
    "bank:office_claim": ({"worker"}, "files for residents of the worker's own community"),
    "bank:review": ({"worker"}, "the review queue of the worker's own community"),
    "bank:review_decide": ({"worker"}, "decides claims of the worker's own queue only"),
    "bank:rules": (STAFF, "the rules of the requester's own region"),
    "bank:rule_new": ({"sub_admin"}, "a rule for the administrator's own subdistrict"),
    "bank:love_pool": ({"worker"}, "the love pool of the worker's own community"),
    "bank:persons_in_need": ({"worker"}, "the list in need of the worker's own community"),
    "bank:partner_home": ({"unit"}, "the operator's own unit in the alliance"),
    "bank:reward_create": ({"unit"}, "a reward of the operator's own unit"),
    "bank:partner_scan": ({"unit"}, "collects vouchers at the operator's own unit"),
    "bank:partner_redemptions": ({"unit"}, "vouchers of the operator's own unit"),
    "bank:partner_statement": ({"unit"}, "the statement of the operator's own unit"),
    "bank:partner_statement_xlsx": ({"unit"}, "the statement of the operator's own unit"),
    "bank:partner_review": ({"sub_admin"}, "partner applications of the administrator's own subdistrict"),
    "bank:settlement": ({"sub_admin"}, "the settlement report of the administrator's own subdistrict"),
    "bank:settlement_xlsx": ({"sub_admin"}, "the settlement report of the administrator's own subdistrict"),
    "bank:signals": ({"sub_admin"}, "fairness signals of the administrator's own subdistrict"),
    "bank:participation": ({"sub_admin"}, "alliance participation of the administrator's own subdistrict"),
    "orgs:list": ({"sub_admin"}, "organisations of the administrator's own subdistrict"),
    "orgs:create": ({"sub_admin"}, "registers an organisation in the administrator's own subdistrict"),
    "alliance:home": ({"sub_admin", "worker"}, "the alliances of the requester's own region"),
    "alliance:create": (
        {"sub_admin", "worker"},
        "founds the alliance of the administrator's own subdistrict or the worker's own community",
    ),
    "alliance:meetings": ({"sub_admin", "worker"}, "meetings of the requester's own alliances"),
    "alliance:meetings_export": ({"sub_admin", "worker"}, "meetings of the requester's own alliances"),
    "alliance:actions": (ORGANISERS, "actions of the requester's own alliance or organisations"),
    "alliance:actions_export": (ORGANISERS, "actions of the requester's own alliance or organisations"),
    "alliance:needs": (STAFF, "needs of the requester's own region"),
    "alliance:needs_export": (STAFF, "needs of the requester's own region"),
    "alliance:need_create": (STAFF, "a need in the requester's own region"),
    "alliance:resources": (ORGANISERS, "resources of the requester's own region or unit"),
    "alliance:resources_export": (ORGANISERS, "resources of the requester's own region or unit"),
    "alliance:resource_create": (ORGANISERS, "a resource of the requester's own region or unit"),
    "alliance:projects": (ORGANISERS, "projects of the requester's own region or unit"),
    "alliance:projects_export": (ORGANISERS, "projects of the requester's own region or unit"),
    "alliance:report_ins": (STAFF, "report-ins of the requester's own region"),
    "alliance:report_ins_export": (STAFF, "report-ins of the requester's own region"),
    "alliance:service_post_add": ({"worker"}, "a service post of the worker's own community"),
    "alliance:coverage": ({"sub_admin"}, "new-sector coverage of the administrator's own subdistrict"),
    "alliance:coverage_export": ({"sub_admin"}, "new-sector coverage of the administrator's own subdistrict"),
    "activities:list": (SIGNED_IN - {"grid"}, "activities the requester runs or may join"),
    "activities:list_export": (ORGANISERS, "activities the requester runs"),
    "activities:create": (ORGANISERS, "publishes in the requester's own region or unit"),
    "activities:places": (STAFF, "the use of the service places in the requester's own region"),
    "charters:list": (STAFF, "charters and conventions of the requester's own region"),
    "charters:create": (STAFF, "records a version for a community of the requester's own region"),
    "workforce:me": ({"worker"}, "the worker's own record, grade history and pay slips"),
    "workforce:workers": ({"sub_admin"}, "community workers of the administrator's own subdistrict"),
    "workforce:worker_hire": ({"sub_admin"}, "hires into a community of the administrator's own subdistrict"),
    "workforce:settings": ({"sub_admin"}, "the district's career settings, read-only below the district"),
    "workforce:pay_table": ({"sub_admin"}, "the district's pay table, read-only below the district"),
    "workforce:pay_sheets": ({"sub_admin"}, "pay sheets of the administrator's own subdistrict"),
    "workforce:staffing": ({"sub_admin"}, "staffing of the administrator's own subdistrict"),
    "workforce:promotion": ({"sub_admin"}, "the promotion list of the administrator's own subdistrict"),
    "workforce:import": ({"sub_admin"}, "imports a roster into the administrator's own subdistrict"),
    "workforce:import_template": ({"sub_admin"}, "an empty spreadsheet template"),
    "alliance:my_meetings": (
        {"unit", "worker"},
        "the meetings the requester's own organisation is invited to",
    ),
    "linkage:list": (STAFF | {"grid"}, "tasks sent to and issued by the requester's own region"),
    "linkage:new": (STAFF, "issues a task from the requester's own region to the level below"),
    "linkage:grids": (STAFF, "grids of the requester's own region"),
    "linkage:grid_import": (STAFF, "imports grids into the requester's own region"),
    "linkage:grid_import_template": (STAFF, "an empty spreadsheet template"),
    "linkage:grid_home": ({"grid"}, "the grid worker's own grid"),
    "funding:funds": ({"sub_admin"}, "the funds of the administrator's own subdistrict"),
    "funding:funds_export": ({"sub_admin"}, "the funds of the administrator's own subdistrict"),
    "funding:budget_set": ({"sub_admin"}, "a budget line of the administrator's own subdistrict"),
    "funding:allocation_create": ({"sub_admin"}, "allocates from the administrator's own lines"),
    "funding:expenses": ({"sub_admin"}, "expenses of the administrator's own subdistrict"),
    "funding:expense_create": ({"sub_admin"}, "an expense of the administrator's own lines"),
    "funding:contracts": ({"sub_admin"}, "contracts of the administrator's own subdistrict"),
    "funding:contract_create": ({"sub_admin"}, "a contract bought by the administrator's own region"),
    "assessment:runs": ({"sub_admin", "unit"}, "the runs that score the requester's own subjects"),
    "assessment:run_export": (
        {"sub_admin"},
        "the rows of the administrator's own subjects in a district run",
    ),
    "assessment:run": (
        {"sub_admin"},
        "a run scores every community of the district; a subdistrict administrator sees only its own rows",
    ),
    "assessment:notice": (
        {"sub_admin"},
        "a run's honours and notices; a subdistrict administrator sees only those of its own subjects",
    ),
    "assessment:feedback": (
        {"sub_admin", "unit"},
        "a unit run scores every unit of the district; a reader sees only its own units' feedback sheets",
    ),
    "assessment:feedback_export": (
        {"sub_admin", "unit"},
        "a unit run scores every unit of the district; a reader gets only its own units' feedback sheets",
    ),
    "assessment:my_scores": (
        {"worker", "sub_admin", "unit"},
        "the requester's own subjects' figures, objections and improvement plans",
    ),
}

# URL name -> {kwarg: name of the victim object in build_world()}. A pk-like kwarg gets the
# object's pk, a code-like one its code, anything else the value itself.
TARGETS: dict[str, dict[str, str]] = {
    "portal:community": {"code": "community"},
    "workforce:worker": {"pk": "cworker"},
    "workforce:worker_place": {"pk": "cworker"},
    "workforce:worker_leave": {"pk": "cworker"},
    "workforce:qualification_add": {"pk": "cworker"},
    "workforce:assessment_add": {"pk": "cworker"},
    "workforce:grade_correct": {"pk": "cworker"},
    "workforce:pay_sheet": {"pk": "pay_sheet"},
    "workforce:pay_sheet_compute": {"pk": "pay_sheet"},
    "workforce:pay_sheet_approve": {"pk": "pay_sheet"},
    "workforce:pay_sheet_xlsx": {"pk": "pay_sheet"},
    "workforce:import_job": {"pk": "roster_job"},
    "workforce:qualification_scan": {"pk": "qualification"},
    "cockpit:region": {"code": "community"},
    "cockpit:export_xlsx": {"code": "community"},
    "cockpit:export_json": {"code": "community"},
    "people:import_job": {"pk": "people_job"},
    "orgs:edit": {"pk": "unit_org"},
    "circle:place": {"pk": "place"},
    "circle:photo": {"pk": "photo"},
    "circle:import": {"kind": "import_kind"},
    "circle:import_template": {"kind": "import_kind"},
    "circle:import_job": {"pk": "circle_job"},
    "bank:log": {"code": "district"},
    "bank:consistency": {"code": "district"},
    "bank:my_proof": {"pk": "transfer"},
    "bank:notices": {"code": "community"},
    "bank:notice_poster": {"code": "community"},
    "board_short": {"short": "board_short"},
    "bank:notice_object": {"pk": "notice"},
    "bank:notice_withdraw": {"pk": "notice"},
    "bank:objection_decide": {"pk": "objection"},
    "bank:rule_edit": {"pk": "rule"},
    "bank:reward": {"pk": "reward"},
    "bank:reward_redeem": {"pk": "reward"},
    "bank:voucher": {"pk": "redemption"},
    "bank:voucher_cancel": {"pk": "redemption"},
    "bank:reward_edit": {"pk": "reward"},
    "bank:partner_cancel": {"pk": "redemption"},
    "bank:partner_decide": {"pk": "partner"},
    "bank:partner_reinstate": {"pk": "partner"},
    "bank:person_in_need_end": {"pk": "person_in_need"},
    "diary:claim": {"pk": "diary_entry"},
    "alliance:detail": {"pk": "alliance"},
    "alliance:member_add": {"pk": "alliance"},
    "alliance:members_export": {"pk": "alliance"},
    "alliance:member_leave": {"pk": "member"},
    "alliance:chair_set": {"pk": "alliance"},
    "alliance:propose_symposium": {"pk": "alliance"},
    "alliance:meeting_create": {"pk": "alliance"},
    "alliance:meeting": {"pk": "meeting"},
    "alliance:meeting_reschedule": {"pk": "meeting"},
    "alliance:meeting_cancel": {"pk": "meeting"},
    "alliance:meeting_invite": {"pk": "meeting"},
    "alliance:meeting_attendance": {"pk": "meeting"},
    "alliance:meeting_qr": {"pk": "meeting"},
    "alliance:meeting_checkin": {"pk": "meeting", "token": "meeting_token"},
    "alliance:agenda_add": {"pk": "meeting"},
    "alliance:meeting_minutes": {"pk": "meeting"},
    "alliance:resolution_add": {"pk": "meeting"},
    "alliance:action_create": {"pk": "resolution"},
    "alliance:action": {"pk": "action"},
    "alliance:action_update": {"pk": "action"},
    "alliance:action_close": {"pk": "action"},
    "alliance:need": {"pk": "need"},
    "alliance:need_withdraw": {"pk": "need"},
    "alliance:project_create": {"pk": "need"},
    "alliance:resource_withdraw": {"pk": "resource"},
    "alliance:project": {"pk": "project"},
    "alliance:project_close": {"pk": "project"},
    "alliance:project_rate": {"pk": "project"},
    "alliance:report_in": {"pk": "report_in"},
    "alliance:report_in_confirm": {"pk": "report_in"},
    "alliance:report_in_feedback": {"pk": "report_in", "year": "year"},
    "alliance:sector_org": {"pk": "sector_org"},
    "alliance:sector_branch_found": {"pk": "sector_org"},
    "alliance:sector_branch_end": {"pk": "sector_branch"},
    "alliance:sector_branch_members": {"pk": "sector_branch"},
    "activities:detail": {"pk": "activity"},
    "activities:place": {"pk": "place"},
    "charters:detail": {"pk": "charter"},
    "activities:signup": {"pk": "activity"},
    "activities:signup_cancel": {"pk": "activity"},
    "activities:checkin": {"pk": "activity", "token": "checkin_token"},
    "activities:manage": {"pk": "activity"},
    "activities:qr": {"pk": "activity"},
    "activities:screen": {"pk": "activity"},
    "activities:checkin_code": {"pk": "activity"},
    "activities:checkout": {"pk": "checkin"},
    "activities:close": {"pk": "activity"},
    "alliance:invitation": {"pk": "invitation"},
    "alliance:invitation_reply": {"pk": "invitation"},
    "alliance:agenda_propose": {"pk": "invitation"},
    "linkage:detail": {"pk": "assignment"},
    "linkage:split": {"pk": "assignment"},
    "linkage:report": {"pk": "assignment"},
    "linkage:file": {"pk": "assignment"},
    "linkage:grid": {"code": "grid"},
    "linkage:grid_import_job": {"pk": "grid_job"},
    "activities:file_claims": {"pk": "activity"},
    "activities:cancel": {"pk": "activity"},
    "activities:attendance_export": {"pk": "activity"},
    "funding:contract": {"pk": "contract"},
    "funding:contract_accept": {"pk": "contract"},
    "funding:milestone_add": {"pk": "contract"},
    "funding:milestone_pay": {"pk": "milestone"},
    "funding:expense_reverse": {"pk": "expense"},
    "assessment:run": {"pk": "run"},
    "assessment:run_export": {"pk": "run"},
    "assessment:score": {"pk": "score"},
    "assessment:run_publish": {"pk": "run"},
    "assessment:run_recompute": {"pk": "run"},
    "assessment:run_sanction": {"pk": "run"},
    "assessment:run_workers": {"pk": "run"},
    "assessment:notice": {"pk": "run"},
    "assessment:feedback": {"pk": "units_run"},
    "assessment:feedback_export": {"pk": "units_run"},
    "assessment:objection_new": {"pk": "score_line"},
    "assessment:objection_decide": {"pk": "run_objection"},
    "assessment:plan": {"pk": "sanction"},
    "assessment:scheme": {"pk": "scheme"},
    "assessment:scheme_publish": {"pk": "scheme"},
    "assessment:scheme_revise": {"pk": "scheme"},
    "assessment:run_create": {"pk": "scheme"},
    "assessment:manual": {"pk": "scheme"},
    "assessment:manual_approve": {"pk": "manual_entry"},
    "assessment:manual_evidence": {"pk": "manual_entry"},
    "funding:expense_attachment": {"pk": "expense"},
    "api:my_proof": {"transfer_id": "transfer"},
    "api:notices": {"code": "community"},
    "api:checkpoints": {"district_code": "district"},
}

# URL name -> the JSON body its POST gets (the API reads its input from the body, not the URL).
BODIES = {
    "api:claim_create": lambda w: {
        "rule_id": w["rule"].pk,  # local to subdistrict A
        "deed_date": w["today"].isoformat(),
        "text": "扶老人过马路",
    },
}

# URL name -> query parameters (GET) and form data (POST) that name the victim's objects, for pages
# that take their object from the request rather than the URL.
PARAMS = {
    "workforce:workers": lambda w: {"community": w["community"].pk},
    "workforce:pay_sheets": lambda w: {
        "subdistrict": w["subdistrict"].pk,
        "year": w["today"].year,
        "month": 1,
    },
    "workforce:worker_hire": lambda w: {
        "community": w["community"].pk,
        "post": "other",
        "hired_on": "2020-01-01",
    },
    "funding:funds": lambda w: {"code": w["community"].code},
    "funding:funds_export": lambda w: {"code": w["community"].code},
    "funding:budget_set": lambda w: {
        "region": w["community"].code,
        "year": 2026,
        "kind": "service",
        "amount": "1",
    },
    "funding:allocation_create": lambda w: {
        "source": w["budget"].pk,
        "target": w["community"].code,
        "amount": "1",
    },
    "funding:expense_create": lambda w: {"budget": w["budget"].pk, "amount": "1", "description": "外来支出"},
    "funding:contract_create": lambda w: {
        "buyer": w["community"].code,
        "budget": w["budget"].pk,
        "title": "外来",
    },
    "funding:expense_reverse": lambda w: {"reason": "外来冲销", "confirmed": "1"},
    "funding:contract_accept": lambda w: {"rating": "5", "note": "外来验收"},
    "funding:milestone_add": lambda w: {"title": "外来节点", "amount": "1", "due_on": "2026-12-01"},
    "bank:office_claim": lambda w: {"person": w["victim"].pk, "q": w["victim"].name},
    "bank:witness_claim": lambda w: {"phone": w["victim"].phone},
    "bank:review_decide": lambda w: {"claim": w["claim"].pk, "decision": "approve"},
    "bank:give": lambda w: {"to": w["person_in_need"].pk, "points": 1},
    "bank:love_pool": lambda w: {"need": w["person_in_need"].pk, "points": 1, "reason": "发放"},
    "bank:persons_in_need": lambda w: {"who": w["victim"].phone, "reason": "帮扶"},
    "bank:partner_home": lambda w: {"org": w["partner"].organization_id},
    "bank:partner_scan": lambda w: {"code": w["redemption"].code},
    "bank:partner_redemptions": lambda w: {"org": w["partner"].organization_id},
    "bank:partner_statement": lambda w: {"org": w["partner"].organization_id},
    "bank:partner_statement_xlsx": lambda w: {"org": w["partner"].organization_id},
    "people:list": lambda w: {"q": w["victim"].name},
    "core:audit": lambda w: {"region": w["community"].code, "person": "worker_a1"},
    "core:audit_xlsx": lambda w: {"region": w["community"].code, "person": "worker_a1"},
    "circle:map": lambda w: {"region": w["community"].code},
    "circle:layers": lambda w: {"region": w["community"].code},
    "circle:recommend": lambda w: {"region": w["community"].code},
    "circle:export": lambda w: {"region": w["community"].code},
    "orgs:create": lambda w: {"region": w["community"].code, "name": "外来单位", "kind": "unit"},
    "alliance:create": lambda w: {"region": w["subdistrict"].pk},
    "alliance:need_create": lambda w: {
        "community": w["community"].pk,
        "title": "外来需求",
        "category": "health",
    },
    "alliance:resource_create": lambda w: {
        "organization": w["partner"].organization_id,
        "community": w["community"].pk,
        "title": "外来资源",
        "category": "health",
    },
    "activities:create": lambda w: {
        "community": w["community"].pk,
        "organizer_org": w["partner"].organization_id,
        "alliance": w["alliance"].pk,
        "title": "外来活动",
        "place": "某处",
        "starts_at": (w["today"] + dt.timedelta(days=3)).isoformat() + "T09:00",
        "ends_at": (w["today"] + dt.timedelta(days=3)).isoformat() + "T11:00",
    },
}

# Apps whose tables are counted before and after every outsider POST that is not denied:
# such a POST, sent with the victim's ids, must not write anything.
# The audit trail is not counted: it records every export, the requester's own included.
COUNTED_APPS = {
    "core",
    "people",
    "orgs",
    "bank",
    "diary",
    "alliance",
    "activities",
    "circle",
    "regions",
    "workforce",
    "linkage",
    "funding",
}
NOT_COUNTED = {"core.AuditLog"}

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# --------------------------------------------------------------------------- the URL patterns


def walk(patterns=None, namespace=()):
    """Yield (name, route, kwarg names) for every pattern, through includes and namespaces."""
    for p in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(p, URLResolver):
            ns = (*namespace, p.namespace) if p.namespace else namespace
            if ns and ns[0] in SKIPPED:
                continue
            for name, route, kwargs in walk(p.url_patterns, ns):
                yield name, str(p.pattern) + route, kwargs
        elif isinstance(p, URLPattern):
            name = ":".join((*namespace, p.name)) if p.name else None
            yield name, str(p.pattern), tuple(p.pattern.regex.groupindex)


def _value(kwarg: str, obj):
    if kwarg == "pk" or kwarg.endswith("_id"):
        return obj.pk
    if kwarg == "code" or kwarg.endswith("_code"):
        return obj.code
    return obj


def url_of(name: str, route: str, kwargs: tuple, world: dict) -> str:
    targets = TARGETS.get(name, {})
    values = {}
    for kwarg in kwargs:
        if kwarg not in targets:
            pytest.fail(
                f"URL {name!r} ({route}) takes <{kwarg}>, and the outsider test does not know whose object "
                f"to pass: build a victim object of community A1 in outsiders_world.build_world() and map "
                f"it in TARGETS[{name!r}] in jiceng/tests/test_outsiders.py."
            )
        if targets[kwarg] not in world:
            pytest.fail(f"TARGETS[{name!r}] names {targets[kwarg]!r}, which build_world() does not build.")
        values[kwarg] = _value(kwarg, world[targets[kwarg]])
    return reverse(name, kwargs=values)


def patterns():
    seen = set()
    for name, route, kwargs in walk():
        if name is None:
            pytest.fail(f"URL pattern {route!r} has no name: name it, so the outsider test can walk it.")
        if (name, route) not in seen:
            seen.add((name, route))
            yield name, route, kwargs


# --------------------------------------------------------------------------- requests and answers


def variants(name: str, world: dict) -> list[tuple[dict, dict]]:
    """(query or form data, JSON body) to send: plain, and again with the victim's ids from PARAMS."""
    body = BODIES[name](world) if name in BODIES else {}
    plain = [({}, body)]
    return plain + [(PARAMS[name](world), body)] if name in PARAMS else plain


def snapshot(world: dict) -> dict:
    """Every row of the victim world, and how many rows each table holds, to see what a request wrote."""
    rows = {
        key: type(obj).objects.filter(pk=obj.pk).values().first()
        for key, obj in world.items()
        if isinstance(obj, Model)
    }
    counts = {
        m._meta.label: m.objects.count()
        for m in apps.get_models()
        if m._meta.app_label in COUNTED_APPS and m._meta.label not in NOT_COUNTED
    }
    return {"rows": rows, "counts": counts}


def changes(before: dict, after: dict) -> list[str]:
    found = [f"{key} changed" for key, row in before["rows"].items() if after["rows"][key] != row]
    found += [
        f"{label} rows {n} → {after['counts'][label]}"
        for label, n in before["counts"].items()
        if after["counts"][label] != n
    ]
    return found


def client_for(user) -> Client:
    """A client signed in once; `request` gives it back these cookies before every request."""
    client = Client()
    if user is not None:
        client.force_login(user)
    client.signed_in = copy.deepcopy(client.cookies)
    return client


def request(client, method: str, url: str, params: dict, body: dict, world: dict | None = None):
    """One request in a savepoint that is rolled back, so every request sees the same world.

    The session too is rolled back (a logout included), and the cookies are reset. With
    `world`, a POST that is not denied also reports what it changed (`response.changes`),
    against the snapshot taken once: the rollback leaves the world as it was before each request.
    """
    client.cookies = copy.deepcopy(client.signed_in)
    if method == "post" and params:
        url = f"{url}?{urlencode(params)}"  # a view may read either
    if body and method == "post":
        extra = {"data": json.dumps(body), "content_type": "application/json"}
    else:
        extra = {"data": params}
    with transaction.atomic():
        try:
            response = getattr(client, method)(url, **extra)
        except Exception as exc:  # noqa: BLE001 - reported as a finding, with its type
            response = exc
        else:
            checked = world is not None and method == "post" and not is_denied(response)
            response.changes = changes(world["snapshot"], snapshot(world)) if checked else []
        transaction.set_rollback(True)
    return response


def is_denied(response) -> bool:
    if response.status_code in DENIED:
        return True
    if response.status_code in (301, 302, 303, 307, 308):
        return urlsplit(response["Location"]).path == reverse("login")
    return False


def body_text(response) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode("utf-8", "replace")
    content_type = response.get("Content-Type", "")
    if content_type.startswith(XLSX):
        book = load_workbook(io.BytesIO(response.content), read_only=True)
        return "\n".join(
            str(cell) for sheet in book for row in sheet.iter_rows(values_only=True) for cell in row if cell
        )
    if content_type.startswith("application/json"):
        try:
            return json.dumps(json.loads(response.content), ensure_ascii=False)
        except ValueError:
            pass
    return response.content.decode("utf-8", "replace")


def leaks(response, markers: dict, sent: dict) -> list[str]:
    """Markers in the answer, except those the request itself sent (a form shows back what was typed)."""
    text = body_text(response)
    echoed = {str(v) for v in sent.values()}
    return [
        f"{marker} ({what})" for marker, what in markers.items() if marker in text and marker not in echoed
    ]


def describe(response) -> str:
    if isinstance(response, Exception):
        return f"raised {type(response).__name__}: {response}"
    where = f" → {response['Location']}" if response.has_header("Location") else ""
    return f"{response.status_code}{where}"


@pytest.fixture
def world(regions, personas, settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"
    world = build_world(regions, personas)
    world["snapshot"] = snapshot(world)
    return world


# --------------------------------------------------------------------------- the tests


def test_every_url_kwarg_has_a_victim_and_every_listed_name_exists():
    names = set()
    for name, route, kwargs in patterns():
        names.add(name)
        missing = [k for k in kwargs if k not in TARGETS.get(name, {})]
        assert not missing, (
            f"URL {name!r} ({route}) takes {missing}: build a victim object of community A1 in "
            f"outsiders_world.build_world() and map it in TARGETS[{name!r}]."
        )
    stale = sorted((set(TARGETS) | set(PUBLIC)) - names)
    assert not stale, f"TARGETS or PUBLIC name URLs that no longer exist: {stale}; rename or remove them."


@pytest.mark.parametrize("actor", list(OUTSIDERS))
def test_outsiders_get_nothing_of_another_community(world, personas, actor):
    client = client_for(personas[OUTSIDERS[actor]] if OUTSIDERS[actor] else None)
    findings = []
    for name, route, kwargs in patterns():
        url = url_of(name, route, kwargs, world)
        who, _reason = PUBLIC.get(name, (frozenset(), ""))
        served = False
        for params, body in variants(name, world):
            for method in METHODS:
                response = request(client, method, url, params, body, world)
                line = f"{actor} {method.upper()} {url} {params or ''} ({name}) → {describe(response)}"
                if isinstance(response, Exception) or response.status_code >= 500:
                    findings.append(f"{line}: server error")
                    continue
                if is_denied(response):
                    continue
                served |= not params
                if actor not in who:
                    findings.append(
                        f"{line}: expected 401/403/404/405 or a redirect to the login page; if the page "
                        f"is meant for a {actor} of another community, add it to PUBLIC with the reason"
                    )
                    continue
                if found := leaks(response, world["markers"], params | body):
                    findings.append(f"{line}: shows the victim world's {', '.join(found)}")
                if response.changes:
                    findings.append(f"{line}: wrote to the world: {', '.join(response.changes)}")
        if actor in who and not served:
            findings.append(f"{actor} was denied {name} ({url}): take {actor!r} out of its PUBLIC entry")
    assert not findings, f"{len(findings)} answers to outsiders:\n" + "\n".join(findings)


def test_every_victim_object_is_reachable_by_its_insiders(world, personas):
    """The control: a URL's object must exist for the insiders, or the outsiders' 404s prove nothing."""
    insiders = [client_for(personas[k]) for k in INSIDERS]
    unreached = []
    for name, route, kwargs in patterns():
        if not kwargs:
            continue
        url = url_of(name, route, kwargs, world)
        params, body = variants(name, world)[-1]
        answers = []
        for client in insiders:
            for method in METHODS:
                response = request(client, method, url, params, body)
                if isinstance(response, Exception) or not is_denied(response):
                    break
                answers.append(response.status_code)
            else:
                continue
            break
        else:
            unreached.append(f"{name} ({url}): every insider was denied ({sorted(set(answers))})")
    assert not unreached, (
        "These URLs' objects are not reachable by community A1's own users, so TARGETS or build_world() "
        "passes the wrong object:\n" + "\n".join(unreached)
    )
