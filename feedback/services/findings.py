"""Findings: drafting them from tagged feedback, changing them in versions, agreeing
and sharing them. Every rule about what may happen to findings at each step lives here
and, for the focus group's part, in sense_check.py; the pages and the demo data call
these functions.

Each function that changes findings locks their row first, so that two Coordinators
pressing a button at once, or a double click, are taken one after the other."""

from collections import defaultdict
from collections.abc import Iterable, Sequence

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from contacts.models import ConsentPurpose
from contacts.services.links import absolute_url, attendee_unsubscribe_url, email_context
from contacts.services.outbox import outbox_enqueue
from events.models import Event
from feedback.models import (
    FeedbackItem,
    Findings,
    FindingsChange,
    FindingsSection,
    FindingsVersion,
    FocusGroupMember,
    KeyQuestion,
    SectionAnswer,
)
from feedback.selectors import findings_candidate_items, findings_recipients, topic_groups
from feedback.services.focus_group import focus_group_email


class FindingsRefused(Exception):
    """What was asked cannot be done to the findings as they are now. `reason` says
    why, in words to show the person who asked."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def _locked(findings: Findings) -> Findings:
    """The findings row, locked until the end of the transaction, as stored now."""
    return Findings.objects.select_for_update().get(pk=findings.pk)


def _log(findings: Findings, kind: str, *, by, version=None, description="", note="", at=None):
    return FindingsChange.objects.create(
        findings=findings,
        version=version,
        kind=kind,
        description=description[:500],
        note=note,
        by=by,
        at=at or timezone.now(),
    )


# Drafting -------------------------------------------------------------------------------


def _summary_of(items: Sequence[FeedbackItem]) -> str:
    """The prepared summary of a section: its items grouped by topic and counted, for
    the Coordinator to rewrite in their own words."""
    groups = topic_groups(items)
    if not groups:
        return ""
    lines = [_("Topics raised, with the number of points about each:")]
    for group in groups:
        lines.append(
            ngettext("- %(topic)s: %(count)d point", "- %(topic)s: %(count)d points", group.count)
            % {"topic": group.topic, "count": group.count}
        )
    return "\n".join(lines)


def _default_title(events: Sequence[Event]) -> str:
    if len(events) == 1:
        return _("What we heard at %(title)s") % {"title": events[0].title}
    return ngettext("Round-up of %(count)d event", "Round-up of %(count)d events", len(events)) % {
        "count": len(events)
    }


@transaction.atomic
def findings_draft_for(
    *, events: Sequence[Event], by: AbstractBaseUser | None, title: str = ""
) -> Findings:
    """Start findings for one held event, or several (a round-up), from a draft: one
    section per key question covered, each resting on the tagged feedback about that
    question, grouped by topic and counted. Tagged points about no key question, or one
    not recorded as covered, go in a last section of their own."""
    events = sorted(set(events), key=lambda event: event.starts_at)
    if not events:
        raise FindingsRefused(_("Choose at least one event."))
    if any(not event.is_held for event in events):
        raise FindingsRefused(_("Findings are written about events that have been held."))

    findings = Findings.objects.create(title=title.strip() or _default_title(events), created_by=by)
    findings.events.set(events)
    version = FindingsVersion.objects.create(findings=findings, number=1, created_by=by)

    tagged = list(
        findings_candidate_items(events=events)
        .filter(topics__isnull=False)
        .distinct()
        .prefetch_related("topics")
        .order_by("received_hour", "pk")
    )
    by_question = defaultdict(list)
    for item in tagged:
        by_question[item.key_question_id].append(item)
    covered = KeyQuestion.objects.filter(
        Q(events_covered__in=events) | Q(pk__in=[pk for pk in by_question if pk])
    ).distinct()
    position = 0
    for position, question in enumerate(covered, start=1):
        items = by_question.pop(question.pk, [])
        section = FindingsSection.objects.create(
            version=version,
            position=position,
            key_question=question,
            heading=question.text,
            summary=_summary_of(items),
        )
        section.items.set(items)
    others = [item for items in by_question.values() for item in items]
    if others:
        section = FindingsSection.objects.create(
            version=version,
            position=position + 1,
            heading=_("Other things people raised"),
            summary=_summary_of(others),
        )
        section.items.set(others)
    _log(findings, FindingsChange.Kind.DRAFTED, by=by, version=version)
    return findings


# Changing -------------------------------------------------------------------------------


def _refuse_changes_to(findings: Findings) -> None:
    if findings.is_shared:
        raise FindingsRefused(_("These findings are shared, so they can no longer change."))


def _editable_version(
    findings: Findings, by, latest: FindingsVersion | None = None
) -> FindingsVersion:
    """The version to change. Once a version has been sent or agreed it stays as it was,
    and a copy becomes the next version; the findings are then being amended, and any
    agreement no longer holds."""
    latest = latest or findings.latest_version()
    if not latest.is_locked:
        return latest
    now = timezone.now()
    version = FindingsVersion.objects.create(
        findings=findings,
        number=latest.number + 1,
        overview=latest.overview,
        created_by=by,
        created_at=now,
    )
    for section in latest.sections.prefetch_related("items"):
        copy = FindingsSection.objects.create(
            version=version,
            position=section.position,
            key_question_id=section.key_question_id,
            heading=section.heading,
            summary=section.summary,
            based_on=section,
        )
        copy.items.set(section.items.all())
    findings.status = Findings.Status.AMENDING
    findings.amending_at = now
    findings.agreed_version = None
    findings.agreed_at = None
    findings.save(update_fields=["status", "amending_at", "agreed_version", "agreed_at"])
    _log(findings, FindingsChange.Kind.NEW_VERSION, by=by, version=version, at=now)
    return version


def _section_in(version: FindingsVersion, section: FindingsSection) -> FindingsSection:
    """The section as it is in the version being changed: itself, or its copy."""
    if section.version_id == version.pk:
        return section
    copy = version.sections.filter(based_on=section).first()
    if copy is None:
        raise FindingsRefused(
            _("This section has changed since you opened it. Open it again and redo the change.")
        )
    return copy


def _check_items(findings: Findings, items: Iterable[FeedbackItem]) -> list[FeedbackItem]:
    items = list(items)
    allowed = set(
        findings_candidate_items(events=findings.events.all())
        .filter(pk__in=[item.pk for item in items])
        .values_list("pk", flat=True)
    )
    if any(item.pk not in allowed for item in items):
        raise FindingsRefused(
            _(
                "Findings quote only feedback from their events, never a safeguarding flag, "
                "an internal note or an item set aside."
            )
        )
    return items


def _record_change(findings, version, *, by, description, note, because_of) -> None:
    change = _log(
        findings,
        FindingsChange.Kind.CHANGED,
        by=by,
        version=version,
        description=description,
        note=note.strip(),
    )
    if because_of:
        change.because_of.set(because_of)


@transaction.atomic
def findings_update(
    *, findings: Findings, title: str, overview: str, by: AbstractBaseUser | None, note: str = ""
) -> Findings:
    """Change the title and the overview. The title is only a label; a new overview in
    findings already sent makes a new version."""
    findings = _locked(findings)
    _refuse_changes_to(findings)
    title = title.strip()
    if title and title != findings.title:
        findings.title = title
        findings.save(update_fields=["title"])
    overview = overview.strip()
    latest = findings.latest_version()
    if overview != latest.overview:
        version = _editable_version(findings, by, latest)
        version.overview = overview
        version.save(update_fields=["overview"])
        _record_change(
            findings,
            version,
            by=by,
            description=_("Changed the overview"),
            note=note,
            because_of=(),
        )
    return findings


@transaction.atomic
def findings_update_section(
    *,
    findings: Findings,
    section: FindingsSection,
    heading: str,
    summary: str,
    items: Iterable[FeedbackItem],
    by: AbstractBaseUser | None,
    note: str = "",
    because_of: Iterable[SectionAnswer] = (),
) -> FindingsSection:
    """Change a section's heading, summary and the feedback it rests on. `note` says why
    and `because_of` which of the focus group's answers led to it, for the record. A
    section of a version already sent is changed in a new version; saving with nothing
    changed makes none."""
    findings = _locked(findings)
    _refuse_changes_to(findings)
    items = _check_items(findings, items)
    heading, summary = heading.strip(), summary.strip()
    unchanged = (
        heading == section.heading
        and summary == section.summary
        and {item.pk for item in items} == set(section.items.values_list("pk", flat=True))
    )
    if unchanged:
        return section
    version = _editable_version(findings, by)
    section = _section_in(version, section)
    section.heading, section.summary = heading, summary
    section.save(update_fields=["heading", "summary"])
    section.items.set(items)
    _record_change(
        findings,
        version,
        by=by,
        description=_("Changed the section “%(heading)s”") % {"heading": heading},
        note=note,
        because_of=because_of,
    )
    return section


@transaction.atomic
def findings_add_section(
    *,
    findings: Findings,
    heading: str,
    summary: str,
    items: Iterable[FeedbackItem],
    by: AbstractBaseUser | None,
    note: str = "",
) -> FindingsSection:
    """A new section, for a theme or a key question, at the end."""
    findings = _locked(findings)
    _refuse_changes_to(findings)
    items = _check_items(findings, items)
    version = _editable_version(findings, by)
    last = version.sections.order_by("-position").values_list("position", flat=True).first()
    section = FindingsSection.objects.create(
        version=version,
        position=(last or 0) + 1,
        heading=heading.strip(),
        summary=summary.strip(),
    )
    section.items.set(items)
    _record_change(
        findings,
        version,
        by=by,
        description=_("Added the section “%(heading)s”") % {"heading": section.heading},
        note=note,
        because_of=(),
    )
    return section


@transaction.atomic
def findings_remove_section(
    *, findings: Findings, section: FindingsSection, by: AbstractBaseUser | None, note: str = ""
) -> FindingsVersion:
    """Take a section out. In a version already sent it goes from a new version only."""
    findings = _locked(findings)
    _refuse_changes_to(findings)
    version = _editable_version(findings, by)
    section = _section_in(version, section)
    heading = section.heading
    section.delete()
    _record_change(
        findings,
        version,
        by=by,
        description=_("Removed the section “%(heading)s”") % {"heading": heading},
        note=note,
        because_of=(),
    )
    return version


# Agreeing and sharing -------------------------------------------------------------------


@transaction.atomic
def findings_mark_agreed(*, findings: Findings, by: AbstractBaseUser | None) -> Findings:
    """The Coordinator agrees the latest version, after the focus group has seen the
    findings. That version can no longer change; a later change makes a new version
    and undoes the agreement."""
    findings = _locked(findings)
    if findings.is_shared:
        raise FindingsRefused(_("These findings are already shared."))
    if findings.is_agreed:
        return findings
    if findings.status == Findings.Status.DRAFT:
        raise FindingsRefused(
            _("Send the findings to the focus group to check before you mark them agreed.")
        )
    version = findings.latest_version()
    if not version.sections.exists():
        raise FindingsRefused(_("Add at least one section before you mark the findings agreed."))
    now = timezone.now()
    version.agreed_at = now
    version.save(update_fields=["agreed_at"])
    findings.status = Findings.Status.AGREED
    findings.agreed_at = now
    findings.agreed_version = version
    findings.save(update_fields=["status", "agreed_at", "agreed_version"])
    _log(
        findings,
        FindingsChange.Kind.AGREED,
        by=by,
        version=version,
        at=now,
        description=_("Version %(number)d agreed") % {"number": version.number},
    )
    return findings


def _reason_not_shareable(findings: Findings) -> str:
    return {
        Findings.Status.DRAFT: _(
            "These findings are still a draft. Send them to the focus group, then mark "
            "them agreed before you share them."
        ),
        Findings.Status.WITH_FOCUS_GROUP: _(
            "The focus group is still checking these findings. Mark them agreed before "
            "you share them."
        ),
        Findings.Status.AMENDING: _(
            "These findings are being amended. Send them again or mark them agreed before "
            "you share them."
        ),
    }.get(findings.status, "")


@transaction.atomic
def findings_share(*, findings: Findings, by: AbstractBaseUser | None) -> int:
    """Publish agreed findings on their events' public pages, email them once to the
    contacts findings_recipients finds, and thank the members who checked them. Only
    agreed findings are shared; sharing again sends nothing more. Returns how many
    contacts were emailed."""
    findings = _locked(findings)
    if findings.is_shared:
        return 0
    reason = _reason_not_shareable(findings)
    if reason:
        raise FindingsRefused(reason)
    now = timezone.now()
    version = findings.agreed_version
    findings.status = Findings.Status.SHARED
    findings.shared_at = now
    findings.save(update_fields=["status", "shared_at"])
    FeedbackItem.objects.filter(
        findings_sections__version=version,
        status__in=[FeedbackItem.Status.NEW, FeedbackItem.Status.TAGGED],
    ).update(status=FeedbackItem.Status.IN_FINDINGS)

    events = list(findings.events.order_by("starts_at"))
    sections = list(version.sections.all())
    event_links = [
        (event, absolute_url("events:public-detail", slug=event.slug))
        for event in events
        if event.is_published
    ]
    emailed = 0
    for attendee in findings_recipients(events=events).iterator():
        outbox_enqueue(
            dedupe_key=f"findings-shared:{findings.pk}:{attendee.pk}",
            to_address=attendee.email,
            template="findings_shared",
            context={
                **email_context(attendee),
                "findings": findings,
                "version": version,
                "sections": sections,
                "event_links": event_links,
            },
            consent_purpose=ConsentPurpose.EMAIL_UPDATES,
            attendee=attendee,
            unsubscribe_url=attendee_unsubscribe_url(attendee),
        )
        emailed += 1
    _thank_members(findings)
    _log(
        findings,
        FindingsChange.Kind.SHARED,
        by=by,
        version=version,
        at=now,
        description=ngettext(
            "Shared on the public event page and emailed to %(count)d contact",
            "Shared on the public event page and emailed to %(count)d contacts",
            emailed,
        )
        % {"count": emailed},
    )
    return emailed


def _thank_members(findings: Findings) -> None:
    """Thank each member still in the group who answered about any version."""
    members = (
        FocusGroupMember.objects.active()
        .filter(
            sense_check_requests__version__findings=findings,
            sense_check_requests__answers__isnull=False,
        )
        .exclude(user__email="")
        .select_related("user", "attendee")
        .distinct()
        .order_by("pk")
    )
    for member in members:
        focus_group_email(
            member,
            template="sense_check_thanks",
            dedupe_key=f"sense-check-thanks:{findings.pk}:{member.pk}",
            context={"findings": findings},
        )


# Internal notes -------------------------------------------------------------------------


def feedback_set_internal(*, item: FeedbackItem, is_internal: bool) -> FeedbackItem:
    """Mark an officer's note as internal, for staff only, or make it quotable again.
    Internal notes are never quoted in findings, whichever version they were put in."""
    if not item.can_be_marked_internal:
        raise ValueError("Only officers' discussion notes can be marked internal.")
    item.is_internal = is_internal
    item.save(update_fields=["is_internal"])
    return item
