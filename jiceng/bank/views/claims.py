"""Filing deed claims: the resident's own, a witness's, and office mode; and the resident's claims."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from jiceng.bank.errors import ClaimError
from jiceng.bank.forms import ClaimForm
from jiceng.bank.queries.claims import claim_list_mine, neighbour_get_by_phone, resident_list_for_office
from jiceng.bank.queries.notices import claim_preview, notice_days
from jiceng.bank.queries.rules import rule_list_for
from jiceng.bank.services.claims import claim_file
from jiceng.bank.views import resident_or_404
from jiceng.core.models import Role
from jiceng.core.once import Once
from jiceng.core.scope import get_scoped_or_404, require_role
from jiceng.people.models import Person


def _form(request, claimant: Person | None) -> ClaimForm:
    rules = rule_list_for(claimant.community) if claimant else None
    return ClaimForm(request.POST or None, request.FILES or None, rules=rules)


def _file(request, form: ClaimForm, claimant: Person | None, success_url: str):
    """File the posted claim; a redirect when it was filed, None (errors on the form) when not.

    A second post of the same rendered form (the back button, a double tap) lands where the
    first one did instead of filing the claim twice.
    """
    if claimant is None or request.method != "POST":
        return None
    once = Once(request)
    if again := once.replayed():
        return again
    if not form.is_valid():
        return None
    try:
        claim_file(filer=request.user, data=form.claim_input(claimant))
    except ClaimError as exc:
        form.add_error(None, str(exc))
        return None
    messages.success(request, _("申报已提交，社区审核通过后会在公示栏公示 %(d)d 天。") % {"d": notice_days()})
    return once.done(redirect(success_url))


@login_required
def claim_new(request: HttpRequest) -> HttpResponse:
    person = resident_or_404(request)
    form = _form(request, person)
    if done := _file(request, form, person, "bank:my_claims"):
        return done
    return render(
        request,
        "bank/claims/new.html",
        {"form": form, "for_person": None, "preview": claim_preview(form=form, claimant=person)},
    )


@login_required
def witness_claim(request: HttpRequest) -> HttpResponse:
    """A witness puts forward someone else's good deed, found by their phone number."""
    me = resident_or_404(request)
    phone = (request.GET.get("phone") or request.POST.get("phone") or "").strip()
    person = neighbour_get_by_phone(person=me, phone=phone) if phone else None
    form = _form(request, person)
    form.fields["witness"].required = False
    if done := _file(request, form, person, "bank:my_claims"):
        return done
    return render(
        request,
        "bank/claims/witness.html",
        {
            "form": form,
            "for_person": person,
            "phone": phone,
            "not_found": bool(phone) and person is None,
            "preview": claim_preview(form=form, claimant=person),
        },
    )


@login_required
def my_claims(request: HttpRequest) -> HttpResponse:
    require_role(request.user, Role.RESIDENT)
    return render(request, "bank/claims/mine.html", {"claims": claim_list_mine(request.user)})


@login_required
def office_claim(request: HttpRequest) -> HttpResponse:
    """Office mode: a community worker files for a resident without a phone."""
    require_role(request.user, Role.COMMUNITY_WORKER)
    q = request.GET.get("q", "").strip()
    pk = request.GET.get("person") or request.POST.get("person")
    person = None
    if pk:
        person = get_scoped_or_404(
            request.user, Person.objects.all(), region="community", roles=[Role.COMMUNITY_WORKER], pk=pk
        )
    form = _form(request, person)
    if done := _file(request, form, person, "bank:review"):
        return done
    matches = resident_list_for_office(request.user, q)
    return render(
        request,
        "bank/claims/office.html",
        {
            "form": form,
            "for_person": person,
            "q": q,
            "matches": matches,
            "preview": claim_preview(form=form, claimant=person),
        },
    )
