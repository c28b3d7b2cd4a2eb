"""Actions from proposal to done or cannot act. Every rule about who may move an action
to which step lives here; the pages and the demo data call these functions.

Each function that changes an action locks its row first, so that a Leader agreeing
while a Coordinator edits, or a double click, are taken one after the other."""

from collections.abc import Iterable
from datetime import date

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from actions.models import Action, ActionUpdate
from engagement.models import Community, Department
from engagement.roles import Capability, can
from events.models import Event
from feedback.models import FeedbackItem, FindingsSection, Topic, Workstream


class ActionRefused(Exception):
    """What was asked cannot be done to the action as it is now. `reason` says why, in
    words to show the person who asked; `field` names the form field it is about."""

    def __init__(self, reason: str, field: str | None = None):
        super().__init__(reason)
        self.reason = reason
        self.field = field


def may_update(user, action: Action) -> bool:
    """Coordinators update any action; action owners only their department's."""
    if can(user, Capability.MANAGE_ACTIONS):
        return True
    return (
        can(user, Capability.UPDATE_OWN_ACTIONS)
        and action.department.members.filter(pk=user.pk).exists()
    )


def _locked(action: Action) -> Action:
    return Action.objects.select_for_update().get(pk=action.pk)


def _log(action, kind, *, by, text="", is_public=False, at=None) -> ActionUpdate:
    return ActionUpdate.objects.create(
        action=action, kind=kind, text=text, is_public=is_public, by=by, at=at or timezone.now()
    )


def _check_owner(owner, department: Department) -> None:
    problem = Action.owner_problem(owner, department)
    if problem:
        raise ActionRefused(problem, field="owner")


def _events_behind(items: Iterable[FeedbackItem], sections: Iterable[FindingsSection]):
    """The events the feedback and findings came from: the action shows on their pages."""
    event_ids = {item.event_id for item in items if item.event_id}
    findings_ids = {section.version.findings_id for section in sections}
    if findings_ids:
        event_ids |= set(
            Event.objects.filter(findings__in=findings_ids).values_list("pk", flat=True)
        )
    return Event.objects.filter(pk__in=event_ids)


def _tidy(text: str) -> str:
    """Text as typed, trimmed, with a browser's CRLF line breaks made plain newlines."""
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()


def _person(user) -> str:
    if user is None:
        return _("nobody named")
    return user.get_full_name() or user.username


def _due_text(due_on: date) -> str:
    return formats.date_format(due_on, "j F Y")


@transaction.atomic
def action_propose(
    *,
    title: str,
    you_said: str,
    we_did: str,
    department: Department,
    due_on: date,
    by: AbstractBaseUser | None,
    owner: AbstractBaseUser | None = None,
    workstreams: Iterable[Workstream] = (),
    topics: Iterable[Topic] = (),
    communities: Iterable[Community] = (),
    items: Iterable[FeedbackItem] = (),
    sections: Iterable[FindingsSection] = (),
    is_public: bool = True,
    today: date | None = None,
) -> Action:
    """A new action, proposed for a Leader to agree. Feedback passed to a department is
    an action like any other: its owners see it on their page."""
    problem = Action.due_date_problem(due_on, today)
    if problem:
        raise ActionRefused(problem, field="due_on")
    _check_owner(owner, department)
    items, sections = list(items), list(sections)
    action = Action.objects.create(
        title=_tidy(title),
        you_said=_tidy(you_said),
        we_did=_tidy(we_did),
        department=department,
        owner=owner,
        due_on=due_on,
        is_public=is_public,
        created_by=by,
    )
    action.workstreams.set(workstreams)
    action.topics.set(topics)
    action.communities.set(communities)
    action.items.set(items)
    action.sections.set(sections)
    action.events.set(_events_behind(items, sections))
    _log(action, ActionUpdate.Kind.PROPOSED, by=by, at=action.created_at)
    return action


@transaction.atomic
def action_edit(
    *,
    action: Action,
    by: AbstractBaseUser | None,
    title: str,
    you_said: str,
    we_did: str,
    department: Department,
    due_on: date,
    owner: AbstractBaseUser | None,
    workstreams: Iterable[Workstream],
    topics: Iterable[Topic],
    communities: Iterable[Community],
    is_public: bool,
    note: str = "",
    today: date | None = None,
) -> Action:
    """Change what an action says and who does it by when. A new owner or due date goes
    on the timeline; a new due date is public, a new owner is not (the public page
    names departments, never people). `note` says why, for staff."""
    action = _locked(action)
    if action.status == Action.Status.DECLINED:
        raise ActionRefused(_("This action was declined, so it can no longer change."))
    if due_on != action.due_on:
        problem = Action.due_date_problem(due_on, today)
        if problem:
            raise ActionRefused(problem, field="due_on")
    _check_owner(owner, department)
    now = timezone.now()
    title, you_said, we_did, note = _tidy(title), _tidy(you_said), _tidy(we_did), _tidy(note)
    if department != action.department or owner != action.owner:
        text = _("%(department)s, owner %(before)s → %(after)s.") % {
            "department": department,
            "before": _person(action.owner),
            "after": _person(owner),
        }
        _log(
            action,
            ActionUpdate.Kind.OWNER_CHANGED,
            by=by,
            at=now,
            text=f"{text} {note}".strip(),
        )
    if due_on != action.due_on:
        _log(
            action,
            ActionUpdate.Kind.DUE_DATE_CHANGED,
            by=by,
            at=now,
            is_public=True,
            text=_("Now due by %(due)s (was %(before)s).")
            % {"due": _due_text(due_on), "before": _due_text(action.due_on)},
        )
    changed_words = (title, you_said, we_did, is_public) != (
        action.title,
        action.you_said,
        action.we_did,
        action.is_public,
    )
    if changed_words:
        _log(action, ActionUpdate.Kind.EDITED, by=by, at=now, text=note)
    action.title, action.you_said, action.we_did = title, you_said, we_did
    action.department, action.owner, action.due_on = department, owner, due_on
    action.is_public = is_public
    action.save()
    action.workstreams.set(workstreams)
    action.topics.set(topics)
    action.communities.set(communities)
    return action


def _move(action: Action, status: str, now) -> None:
    action.status = status
    action.status_changed_at = now
    action.save(update_fields=["status", "status_changed_at", "agreed_at", "cannot_act_reason"])


@transaction.atomic
def action_agree(*, action: Action, by: AbstractBaseUser | None) -> Action:
    """A Leader agrees a proposed action: it goes on the public page (unless it is for
    staff only) and into the next digest."""
    action = _locked(action)
    if action.status == Action.Status.AGREED:
        return action
    if action.status != Action.Status.PROPOSED:
        raise ActionRefused(_("Only a proposed action can be agreed."))
    now = timezone.now()
    action.agreed_at = now
    _move(action, Action.Status.AGREED, now)
    _log(action, ActionUpdate.Kind.AGREED, by=by, at=now, is_public=True)
    return action


@transaction.atomic
def action_decline(*, action: Action, reason: str, by: AbstractBaseUser | None) -> Action:
    """A Leader declines a proposed action, saying why, for staff. A declined action
    never reaches the public page."""
    reason = _tidy(reason)
    if not reason:
        raise ActionRefused(_("Say why the action is declined."), field="reason")
    action = _locked(action)
    if action.status == Action.Status.DECLINED:
        return action
    if action.status != Action.Status.PROPOSED:
        raise ActionRefused(_("Only a proposed action can be declined."))
    now = timezone.now()
    action.decline_reason = reason
    action.status = Action.Status.DECLINED
    action.status_changed_at = now
    action.save(update_fields=["status", "status_changed_at", "decline_reason"])
    _log(action, ActionUpdate.Kind.DECLINED, by=by, at=now, text=reason)
    return action


# The steps an update may move an action to, from each status.
NEXT_STATUSES = {
    Action.Status.AGREED: (Action.Status.IN_PROGRESS, Action.Status.DONE, Action.Status.CANNOT_ACT),
    Action.Status.IN_PROGRESS: (Action.Status.DONE, Action.Status.CANNOT_ACT),
}
KIND_FOR_STATUS = {
    Action.Status.IN_PROGRESS: ActionUpdate.Kind.IN_PROGRESS,
    Action.Status.DONE: ActionUpdate.Kind.DONE,
    Action.Status.CANNOT_ACT: ActionUpdate.Kind.CANNOT_ACT,
}


def next_statuses(action: Action) -> tuple[str, ...]:
    return NEXT_STATUSES.get(action.status, ())


@transaction.atomic
def action_post_update(
    *,
    action: Action,
    by: AbstractBaseUser,
    text: str = "",
    is_public: bool = False,
    status: str = "",
    cannot_act_reason: str = "",
) -> Action:
    """An owner's update: a note for the timeline, public or internal, and perhaps a
    new status. Cannot act needs a public explanation. The caller has checked
    may_update; this checks it again, since a department's members can change."""
    if not may_update(by, action):
        raise ActionRefused(_("Only the department's action owners can update this action."))
    text, cannot_act_reason = _tidy(text), _tidy(cannot_act_reason)
    action = _locked(action)
    if action.status in (Action.Status.PROPOSED, Action.Status.DECLINED):
        raise ActionRefused(_("Updates are posted once a Leader has agreed the action."))
    status = status or ""
    if status == action.status:
        status = ""
    if status and status not in next_statuses(action):
        raise ActionRefused(
            _("A %(status)s action cannot be marked “%(new)s”.")
            % {
                "status": action.get_status_display().lower(),
                "new": Action.Status(status).label if status in Action.Status.values else status,
            },
            field="status",
        )
    if status == Action.Status.CANNOT_ACT and not cannot_act_reason:
        raise ActionRefused(
            _("Explain, for the public, why the force cannot act on this."),
            field="cannot_act_reason",
        )
    if not text and not status:
        raise ActionRefused(_("Write an update or choose a new status."), field="text")
    now = timezone.now()
    if text:
        _log(action, ActionUpdate.Kind.UPDATE, by=by, at=now, text=text, is_public=is_public)
    if status:
        if status == Action.Status.CANNOT_ACT:
            action.cannot_act_reason = cannot_act_reason
        _move(action, status, now)
        _log(
            action,
            KIND_FOR_STATUS[status],
            by=by,
            at=now,
            is_public=True,
            text=cannot_act_reason if status == Action.Status.CANNOT_ACT else "",
        )
    return action
