"""Workbench (工作台) and the audit ledger pages (notifications: ``notification_views``)."""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from . import actions, offers
from .enums import ActionCode, event_choices
from .errors import ActionForbidden
from .findings import Finding
from .forms import contract_form
from .jobs import job_url, start_action_job
from .listing import paginate_sorted
from .models import LedgerEvent, Notification
from .notifications import unread
from .pageactions import run_action
from .scoping import for_user, get_visible_or_404
from .todos import todos_for


@login_required
def workbench(request: HttpRequest) -> HttpResponse:
    user: Any = request.user  # the project's user model (core names no chapter)
    context = {
        "todos": todos_for(user),
        "memberships": user.active_memberships(),
        # the unread ones first, as the navbar counts them; the latest when all are read
        "recent_notifications": list(unread(user)[:5])
        or list(Notification.objects.filter(recipient=user)[:5]),
        "recent_events": LedgerEvent.objects.select_related("organisation").latest_for(user, 8),
    }
    return render(request, "core/workbench.html", context)


@login_required
def ledger(request: HttpRequest) -> HttpResponse:
    qs = for_user(LedgerEvent, request.user).select_related("organisation")
    action = request.GET.get("action", "")
    if action in ActionCode.values:
        qs = qs.filter(action=action)
    _page, ctx = paginate_sorted(
        request,
        qs,
        sortable={"seq": "seq", "time": "occurred_at", "action": "action"},
        default_sort="-seq",
        search_fields=("object_repr", "actor_name", "reason"),
    )
    ctx.update(actions=event_choices(), current_action=action)
    return render(request, "core/ledger.html", ctx)


@login_required
def ledger_event(request: HttpRequest, seq: int) -> HttpResponse:
    event = get_visible_or_404(LedgerEvent, request.user, seq=seq)
    return render(request, "core/ledger_event.html", {"event": event})


# -- any action, asked and done (the "您现在可以办理" card posts here) ---------------------------


def _safe_next(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}):
        return target
    return fallback


def action_page(
    name: str, template: str = "core/act.html", **extra: Any
) -> Callable[..., HttpResponse]:
    """A view for one action at an address of its chapter (``/planning/master-plans/new/``)."""

    @login_required
    def view(request: HttpRequest, pk: int | None = None) -> HttpResponse:
        return act(request, name, pk, template=template, extra=extra)

    view.__name__ = name.replace(".", "_")
    return view


@login_required
def act(
    request: HttpRequest,
    name: str,
    pk: int | None = None,
    *,
    template: str = "core/act.html",
    extra: dict[str, Any] | None = None,
) -> HttpResponse:
    """GET: the action's form with what its check finds now. POST: do it, then go back."""
    try:
        step = actions.get(name)
    except KeyError as exc:
        raise Http404 from exc
    user: Any = request.user
    target = None
    if pk is not None:
        try:
            target = step.load(pk, user)
        except ActionForbidden as exc:
            raise Http404 from exc
    elif step.model is not None:
        raise Http404
    if not step.permitted(target, user):
        raise Http404
    back = step.next_url(target, None) if target is not None else "/"
    form = None
    if step.Input is not None:
        # the card posts prefixed fields (several forms on one page); this page does not
        prefix = offers.prefix_of(step, target)
        posted_with_prefix = any(
            k.startswith(f"{prefix}-") for k in (*request.POST, *request.FILES)
        )
        form = contract_form(
            step.Input,
            request.POST if request.method == "POST" else None,
            initial=step.initial(target, user),
            choices=step.choices(target, user),
            prefix=prefix if posted_with_prefix else None,
            parser=lambda data: step.parse_for(target, user, data),
            files=request.FILES if request.method == "POST" else None,
        )
    refused: list[Finding] = []  # a refusal's findings, for an action that keeps what was typed
    # a page saving as the user types (the chapter editor) is answered in JSON, not a page
    autosave = request.method == "POST" and request.headers.get("X-Govit-Autosave") == "1"
    if request.method == "POST":
        if step.background and (form is None or form.is_valid()):
            data = form.contract if form is not None else None
            refused.extend(f for f in step.check(target, user, data) if f.blocks)
            if not refused:
                job = start_action_job(step, target, data, user)
                return HttpResponseRedirect(job_url(job))
        elif form is None or form.is_valid():
            data = form.contract if form is not None else None
            result, ok = run_action(
                request,
                lambda: step.execute(getattr(target, "pk", None), data, acting_user=user),
                form=form,
                on_findings=lambda _request, found, _form: refused.extend(found),
            )
            if ok and autosave:
                return _autosaved(request, step.success_message(target, result))
            if ok:
                messages.success(request, step.success_message(target, result))
                return HttpResponseRedirect(_safe_next(request, step.next_url(target, result)))
            if autosave:
                return _autosave_refused(request, form, refused)
            keep = step.keep_input_when_blocked and form is not None and refused
            if form is None or not (form.errors or keep):
                return HttpResponseRedirect(_safe_next(request, back))
        elif autosave:
            return _autosave_refused(request, form, [])
        else:
            messages.error(request, _("填写内容有误，请按提示修改。"))
    findings = refused or (
        step.check(target, user) if step.model is None or target is not None else []
    )
    context = {
        "action": step,
        "target": target,
        "form": form,
        "findings": findings,
        "blocked": any(f.blocks for f in findings),
        "back": back,
        # an action that creates its object goes to the new object's page (``next_url``),
        # not back to where the form was opened
        "next": _safe_next(request, back if target is not None else ""),
    }
    return render(
        request, "core/act.html", context, status=422 if form is not None and form.errors else 200
    )


def _autosaved(request: HttpRequest, message: str) -> JsonResponse:
    return JsonResponse({"ok": True, "message": str(message)})


def _autosave_refused(request: HttpRequest, form: Any, refused: list[Finding]) -> JsonResponse:
    """Why an autosave was not kept: the form's errors and the findings, in words; the
    messages queued for the next page are consumed, as no page is drawn for this request."""
    said = [str(m) for m in messages.get_messages(request)]
    errors = [str(e) for errs in (form.errors.values() if form is not None else ()) for e in errs]
    words = [*said, *errors, *(f.message for f in refused if f.blocks)]
    return JsonResponse(
        {"ok": False, "message": " ".join(dict.fromkeys(words)) or _("未能保存。")}, status=422
    )


# -- the public verification page (no sign-in) ------------------------------------------------


def verify_page(request: HttpRequest) -> HttpResponse:
    """Anyone may check that the platform's audit ledger has not been cut back: the latest
    signed checkpoints of its head and the public key that verifies them. Official documents
    register a verifier (``core.verification``) to be checked here by number or digest."""
    from . import keys
    from .anchors import read_checkpoints
    from .verification import look_up

    checkpoints = list(reversed(read_checkpoints()))[:20]
    query = request.GET.get("q", "").strip()[:200]
    try:
        public_key = keys.public_pem().decode()
    except (FileNotFoundError, keys.KeyStoreError):
        public_key = ""
    context = {
        "checkpoints": [(c, c.signature_ok()) for c in checkpoints],
        "public_key": public_key,
        "q": query,
        "results": look_up(query) if query else None,
    }
    return render(request, "core/verify.html", context)
