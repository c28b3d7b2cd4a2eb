"""Actions on the staff site and You Said, We Did on the public site. Every change goes
through actions/services; a change it refuses comes back beside the field it is about,
or as a message saying why."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from actions.charts import dashboard_charts
from actions.dashboard import DashboardFilters, cached_dashboard
from actions.filters import PublicActionFilter, StaffActionFilter
from actions.forms import ActionForm, DashboardFilterForm, DeclineForm, UpdateForm
from actions.models import Action, ActionUpdate
from actions.selectors import (
    action_for_detail,
    action_start,
    actions_for_staff_list,
    feedback_without_response,
)
from actions.services import (
    ActionRefused,
    action_agree,
    action_decline,
    action_edit,
    action_post_update,
    action_propose,
    may_update,
    next_statuses,
)
from engagement.public_cache import cached_public_page
from engagement.roles import Capability, can, capability_required

ACTIONS_PER_PAGE = 25
PUBLIC_ACTIONS_PER_PAGE = 20
UNANSWERED_PER_PAGE = 50
MY_ACTIONS_PER_PAGE = 30


def _may_read(user, action: Action) -> bool:
    return can(user, Capability.VIEW_ACTIONS) or (
        can(user, Capability.UPDATE_OWN_ACTIONS) and may_update(user, action)
    )


def _refusal_to_form(form, refusal: ActionRefused) -> None:
    field = refusal.field if refusal.field in form.fields else None
    form.add_error(field, refusal.reason)


# Staff pages ----------------------------------------------------------------------------


@require_safe
@capability_required(Capability.VIEW_ACTIONS)
def action_list(request):
    action_filter = StaffActionFilter(request.GET, queryset=actions_for_staff_list())
    actions = action_filter.qs.overdue_first().distinct()
    page = Paginator(actions, ACTIONS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "actions/list.html",
        {
            "filter": action_filter,
            "page": page,
            "waiting_for_agreement": Action.objects.filter(status=Action.Status.PROPOSED).count(),
            "can_propose": can(request.user, Capability.MANAGE_ACTIONS),
            "can_agree": can(request.user, Capability.AGREE_ACTIONS),
        },
    )


@capability_required(Capability.MANAGE_ACTIONS)
def action_new(request):
    """A new action, from scratch, from feedback ticked in the inbox (posted here with
    `start`), from one item (?item=) or from a findings section (?section=)."""
    source = request.POST if request.method == "POST" else request.GET
    start = action_start(
        item_ids=source.getlist("item") + source.getlist("items"),
        section_ids=source.getlist("section"),
    )
    starting = request.method == "GET" or request.POST.get("start")
    form = ActionForm(None if starting else request.POST, initial=start.initial())
    if not starting and form.is_valid():
        data = form.cleaned_data
        try:
            action = action_propose(
                title=data["title"],
                you_said=data["you_said"],
                we_did=data["we_did"],
                department=data["department"],
                owner=data["owner"],
                due_on=data["due_on"],
                workstreams=data["workstreams"],
                topics=data["topics"],
                communities=data["communities"],
                is_public=data["is_public"],
                items=start.items,
                sections=start.sections,
                by=request.user,
            )
        except ActionRefused as refusal:
            _refusal_to_form(form, refusal)
        else:
            messages.success(request, _("Action proposed. A Leader will agree or decline it."))
            return redirect(action)
    return render(request, "actions/form.html", {"form": form, "start": start, "action": None})


def _get_action(request, pk) -> Action:
    action = action_for_detail(pk)
    if action is None:
        raise Http404
    if not _may_read(request.user, action):
        raise PermissionDenied
    return action


@require_safe
@login_required
def action_detail(request, pk):
    if not can(request.user, Capability.USE_STAFF_SITE):
        raise PermissionDenied
    action = _get_action(request, pk)
    user = request.user
    updatable = may_update(user, action) and action.status not in (
        Action.Status.PROPOSED,
        Action.Status.DECLINED,
    )
    return render(
        request,
        "actions/detail.html",
        {
            "action": action,
            "updates": list(action.updates.all()),
            "can_edit": can(user, Capability.MANAGE_ACTIONS)
            and action.status != Action.Status.DECLINED,
            "can_agree": can(user, Capability.AGREE_ACTIONS)
            and action.status == Action.Status.PROPOSED,
            "can_read_feedback": can(user, Capability.VIEW_FEEDBACK),
            "can_read_all": can(user, Capability.VIEW_ACTIONS),
            "update_form": (
                UpdateForm(action=action, next_statuses=next_statuses(action))
                if updatable
                else None
            ),
        },
    )


@capability_required(Capability.MANAGE_ACTIONS)
def action_edit_view(request, pk):
    action = _get_action(request, pk)
    if action.status == Action.Status.DECLINED:
        messages.error(request, _("This action was declined, so it can no longer change."))
        return redirect(action)
    initial = {
        "title": action.title,
        "you_said": action.you_said,
        "we_did": action.we_did,
        "department": action.department_id,
        "owner": action.owner_id,
        "due_on": action.due_on,
        "workstreams": [workstream.pk for workstream in action.workstreams.all()],
        "topics": [topic.pk for topic in action.topics.all()],
        "communities": [community.pk for community in action.communities.all()],
        "is_public": action.is_public,
    }
    form = ActionForm(
        request.POST if request.method == "POST" else None, initial=initial, action=action
    )
    if request.method == "POST" and form.is_valid():
        try:
            action_edit(action=action, by=request.user, **form.cleaned_data)
        except ActionRefused as refusal:
            _refusal_to_form(form, refusal)
        else:
            messages.success(request, _("Saved."))
            return redirect(action)
    return render(request, "actions/form.html", {"form": form, "action": action, "start": None})


@require_POST
@capability_required(Capability.AGREE_ACTIONS)
def action_agree_view(request, pk):
    action = get_object_or_404(Action, pk=pk)
    try:
        action_agree(action=action, by=request.user)
    except ActionRefused as refusal:
        messages.error(request, refusal.reason)
    else:
        messages.success(
            request,
            _("Agreed. It is on You Said, We Did and the department can post updates.")
            if action.is_public
            else _("Agreed. The department can post updates."),
        )
    return redirect(action)


@capability_required(Capability.AGREE_ACTIONS)
def action_decline_view(request, pk):
    action = get_object_or_404(Action.objects.select_related("department"), pk=pk)
    if action.status != Action.Status.PROPOSED:
        messages.error(request, _("Only a proposed action can be declined."))
        return redirect(action)
    form = DeclineForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            action_decline(action=action, reason=form.cleaned_data["reason"], by=request.user)
        except ActionRefused as refusal:
            _refusal_to_form(form, refusal)
        else:
            messages.success(request, _("Declined. The reason is kept on the action."))
            return redirect(action)
    return render(request, "actions/decline.html", {"action": action, "form": form})


@login_required
def action_update_view(request, pk):
    """Post an update, from the action's page or the owners' page. Anyone who may not
    update the action is refused before anything is read from the form."""
    action = get_object_or_404(Action.objects.select_related("department"), pk=pk)
    if not can(request.user, Capability.USE_STAFF_SITE) or not may_update(request.user, action):
        raise PermissionDenied
    if action.status in (Action.Status.PROPOSED, Action.Status.DECLINED):
        messages.error(request, _("Updates are posted once a Leader has agreed the action."))
        return redirect(action)
    form = UpdateForm(
        request.POST if request.method == "POST" else None,
        action=action,
        next_statuses=next_statuses(action),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            action_post_update(
                action=action,
                by=request.user,
                text=data["text"],
                is_public=data["is_public"],
                status=data.get("status", ""),
                cannot_act_reason=data.get("cannot_act_reason", ""),
            )
        except ActionRefused as refusal:
            _refusal_to_form(form, refusal)
        else:
            messages.success(request, _("Update posted on “%(title)s”.") % {"title": action.title})
            return redirect(_back_to(request, action))
    return render(request, "actions/update.html", {"action": action, "form": form})


def _back_to(request, action: Action) -> str:
    if request.POST.get("back") == "mine":
        return f"{_mine_url()}#action-{action.pk}"
    return action.get_absolute_url()


def _mine_url() -> str:
    return reverse("actions:mine")


@require_safe
@capability_required(Capability.UPDATE_OWN_ACTIONS)
def my_actions(request):
    """The action owners' home: their departments' actions, overdue first, each with a
    quick update form."""
    actions = (
        Action.objects.for_department_of(request.user)
        .exclude(status=Action.Status.DECLINED)
        .select_related("department", "owner")
        .with_latest_public_update()
        .overdue_first()
        .distinct()
    )
    page = Paginator(actions, MY_ACTIONS_PER_PAGE).get_page(request.GET.get("page"))
    actions = list(page.object_list)
    for action in actions:
        statuses = next_statuses(action)
        action.quick_form = (
            UpdateForm(action=action, next_statuses=statuses)
            if action.status != Action.Status.PROPOSED
            else None
        )
    return render(
        request,
        "actions/mine.html",
        {
            "actions": actions,
            "page": page,
            "departments": list(request.user.departments.all()),
        },
    )


@require_safe
@capability_required(Capability.VIEW_FEEDBACK)
def unanswered_feedback(request):
    page = Paginator(feedback_without_response(), UNANSWERED_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "actions/unanswered.html",
        {"page": page, "can_propose": can(request.user, Capability.MANAGE_ACTIONS)},
    )


@require_safe
@capability_required(Capability.VIEW_DASHBOARDS)
def dashboard_view(request):
    """The Leaders' dashboard. A filter that cannot be used is shown beside its field,
    and the figures are then for everything."""
    form = DashboardFilterForm(request.GET or None)
    filters = DashboardFilters()
    if form.is_bound and form.is_valid():
        filters = DashboardFilters(**form.cleaned_data)
    data = cached_dashboard(filters)
    return render(
        request,
        "actions/dashboard.html",
        {
            **data,
            "form": form,
            "filters": filters,
            "charts": dashboard_charts(data),
            "can_read_actions": can(request.user, Capability.VIEW_ACTIONS),
        },
    )


# Public pages ---------------------------------------------------------------------------


def _grouped_by_workstream(actions, chosen_workstream):
    """(workstream name or None, actions) in page order. An action about several
    workstreams is listed under the one chosen in the filter, or its first."""
    groups: list[tuple] = []
    for action in actions:
        workstreams = list(action.workstreams.all())
        if chosen_workstream is not None and chosen_workstream in workstreams:
            heading = chosen_workstream
        else:
            heading = workstreams[0] if workstreams else None
        if groups and groups[-1][0] == heading:
            groups[-1][1].append(action)
        else:
            groups.append((heading, [action]))
    return groups


@require_safe
@cached_public_page
def public_list(request):
    action_filter = PublicActionFilter(request.GET, queryset=Action.objects.for_public_list())
    # No .distinct(): the list is grouped by action already, and DISTINCT would make
    # PostgreSQL read every public action's latest update before the page's LIMIT.
    page = Paginator(action_filter.qs, PUBLIC_ACTIONS_PER_PAGE).get_page(request.GET.get("page"))
    chosen = action_filter.form.cleaned_data.get("workstream") if action_filter.is_bound else None
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "actions/public_list.html",
        {
            "filter": action_filter,
            "page": page,
            "groups": _grouped_by_workstream(page.object_list, chosen),
            "query": query.urlencode(),
            "filtered": any(value for key, value in request.GET.items() if key != "page"),
        },
    )


@require_safe
@cached_public_page
def public_detail(request, pk):
    action = (
        Action.objects.public()
        .select_related("department")
        .prefetch_related("workstreams", "topics", "communities")
        .filter(pk=pk)
        .first()
    )
    if action is None:
        raise Http404
    timeline = list(action.updates.public().exclude(kind=ActionUpdate.Kind.PROPOSED))
    events = list(action.events.published().order_by("-starts_at")[:10])
    return render(
        request,
        "actions/public_detail.html",
        {"action": action, "timeline": timeline, "events": events},
    )
