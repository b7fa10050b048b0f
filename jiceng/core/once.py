"""Forms that move points or stock take effect once per rendered form, and destructive ones ask first.

Each such form carries a one-time id drawn when the form is rendered (the hidden field
`request_id`, written by `{% once_field %}` in the form's template). The view
runs through `Once`: a post whose id already took effect in this session answers with the
first result (the page it led to) instead of doing it again, so the back button and a
second tap are harmless. A service that moves points also turns the same id into its
ledger key, which covers two posts racing each other, where the session cannot.

`confirm_first` is the no-JavaScript half of the confirmation a destructive button asks
for: `static/jiceng/app.js` asks in the browser (`data-confirm`) and adds `confirmed=1`;
without it, the view shows a page that says what will happen and posts the same form again.
"""

import re
import uuid
from collections.abc import Callable

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

FIELD = "request_id"
SESSION_KEY = "once_done"
KEEP = 200  # results remembered per session, newest kept
TOKEN = re.compile(r"[A-Za-z0-9_-]{1,64}")


def once_token_new() -> str:
    return uuid.uuid4().hex


def once_token_from(raw: str | None) -> str:
    """A one-time id handed on by the page before (`?rid=`), so that a form the back button
    fetches again still carries the id it had; anything else gets a fresh one."""
    return raw if raw and TOKEN.fullmatch(raw) else once_token_new()


class Once:
    """One post of a rendered form, in a view: `replayed()` first, then `done(response)` on success."""

    def __init__(self, request: HttpRequest):
        self.request = request
        # A post without a valid id (a hand-made request) gets a fresh one: it runs, and is not replayed.
        self.token = once_token_from(request.POST.get(FIELD))

    def replayed(self) -> HttpResponse | None:
        """The first result, if this rendered form already took effect."""
        location = self.request.session.get(SESSION_KEY, {}).get(self.token)
        if location is None:
            return None
        messages.info(self.request, _("这份表单已经提交过，不会重复办理。下面是上次办理的结果。"))
        return HttpResponseRedirect(location)

    def done(self, response: HttpResponseRedirect) -> HttpResponseRedirect:
        """Remember where the successful post led, so a re-post of the same form lands there too."""
        seen = dict(self.request.session.get(SESSION_KEY, {}))
        seen[self.token] = response["Location"]
        self.request.session[SESSION_KEY] = dict(list(seen.items())[-KEEP:])
        return response


def once_post(
    request: HttpRequest,
    back: HttpResponseRedirect,
    run: Callable[[], str],
    *,
    refusals: tuple[type[Exception], ...],
    confirm: dict | None = None,
) -> HttpResponse:
    """A button's post, done once: `run()` calls the service and returns the message of success.

    A re-post of the same rendered form lands on `back` with the first result; `confirm`
    (title, message, button) asks first without JavaScript; a refusal is shown as it is and
    changes nothing, so the person can act on it.
    """
    once = Once(request)
    if (again := once.replayed()) or (confirm and (again := confirm_first(request, **confirm))):
        return again
    try:
        messages.success(request, run())
    except refusals as exc:
        messages.error(request, str(exc))
        return back
    return once.done(back)


def confirm_first(request: HttpRequest, *, title: str, message: str, button: str) -> HttpResponse | None:
    """None once the person has confirmed; otherwise a page asking them to, which posts the same form again."""
    if request.POST.get("confirmed") == "1":
        return None
    fields = [(k, v) for k in request.POST for v in request.POST.getlist(k) if k != "csrfmiddlewaretoken"]
    context = {"title": title, "message": message, "button": button, "fields": fields}
    back = request.META.get("HTTP_REFERER", "")
    safe = url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()})
    context["back"] = back if safe else "/"
    return render(request, "core/confirm.html", context)
