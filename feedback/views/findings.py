"""Findings on the staff site: drafting them from an event's tagged feedback, writing
them, sending them to the focus group, reading the answers side by side, comparing
versions, agreeing and sharing. Every change goes through feedback/services/findings.py;
a change it refuses comes back as a message saying why. Members' names are shown only
to people who may see personal data, never cached, and written to the audit log."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import F
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from engagement.models import AuditLogEntry
from engagement.roles import Capability, can, capability_required
from engagement.services import audit_record
from feedback.forms import (
    CompareForm,
    FindingsOverviewForm,
    FindingsSectionForm,
    FindingsStartForm,
    SenseCheckSendForm,
)
from feedback.models import (
    Findings,
    FindingsSection,
    FindingsVersion,
    FocusGroupMember,
    SectionAnswer,
    SenseCheckRequest,
)
from feedback.selectors import (
    events_with_findings_overdue,
    findings_candidate_items,
    findings_comparison,
    findings_history,
    findings_sections_for_reading,
    sense_check_review,
    topic_groups,
)
from feedback.services import (
    FindingsRefused,
    findings_add_section,
    findings_draft_for,
    findings_mark_agreed,
    findings_remove_section,
    findings_send_for_sense_check,
    findings_share,
    findings_update,
    findings_update_section,
)

FINDINGS_PER_PAGE = 25


def _get_findings(request, pk, *, capability: str) -> Findings:
    """The findings, or a 404; PermissionDenied unless the person may do what the page
    does with them."""
    if not can(request.user, capability):
        raise PermissionDenied
    return get_object_or_404(Findings.objects.prefetch_related("events"), pk=pk)


def _get_section(findings: Findings, section_pk) -> FindingsSection:
    """A section of any version of the findings, or a 404. A change to a section of a
    version that has since been copied is made to its copy in the latest version."""
    return get_object_or_404(
        FindingsSection.objects.select_related("version"),
        pk=section_pk,
        version__findings=findings,
    )


def _closed_for_changes(request, findings: Findings):
    """Shared findings no longer change: a page to change them is not even shown."""
    if request.method == "GET" and not findings.can_be_changed:
        messages.error(request, _("These findings are shared, so they can no longer change."))
        return redirect("feedback:findings-detail", pk=findings.pk)
    return None


def _shows_names(request) -> bool:
    """Members' names are personal data: only people who may see personal data see
    them, and each time they do it is written to the audit log."""
    return can(request.user, Capability.VIEW_PERSONAL_DATA)


def _audit_names(request, subject: str) -> None:
    audit_record(request=request, action=AuditLogEntry.Action.VIEWED_LIST, subject=subject)


def _label_members(request, requests, subject: str) -> None:
    """Give each request a `label`: the member's name for those who may see it, or
    "Member 1", "Member 2"… in the order they were asked for everyone else."""
    names = _shows_names(request)
    for number, sense_request in enumerate(requests, start=1):
        if sense_request.member is None:
            sense_request.label = _("A former member")
        elif names:
            sense_request.label = sense_request.member.name
        else:
            sense_request.label = _("Member %(number)d") % {"number": number}
    if names and requests:
        _audit_names(request, f"focus group members: {subject}")


def _version_chosen(request, versions) -> FindingsVersion:
    """The version named in ?version=, or the latest."""
    by_number = {str(version.number): version for version in versions}
    return by_number.get(request.GET.get("version", ""), versions[-1])


@require_safe
@capability_required(Capability.VIEW_FEEDBACK)
def findings_list(request):
    status = request.GET.get("status", "")
    findings = Findings.objects.for_list()
    if status in Findings.Status.values:
        findings = findings.filter(status=status)
    page = Paginator(findings, FINDINGS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "feedback/findings/list.html",
        {
            "page": page,
            "status": status,
            "statuses": Findings.Status.choices,
            "overdue_events": list(events_with_findings_overdue().select_related("programme")),
            "can_manage": can(request.user, Capability.MANAGE_FINDINGS),
        },
    )


@capability_required(Capability.MANAGE_FINDINGS)
def findings_new(request):
    if request.method == "POST":
        form = FindingsStartForm(request.POST)
        if form.is_valid():
            try:
                findings = findings_draft_for(
                    events=form.cleaned_data["events"],
                    title=form.cleaned_data["title"],
                    by=request.user,
                )
            except FindingsRefused as refusal:
                form.add_error("events", refusal.reason)
            else:
                messages.success(
                    request,
                    _(
                        "A draft is ready: one section per key question, with the tagged "
                        "feedback counted by topic. Rewrite each summary in your own words."
                    ),
                )
                return redirect("feedback:findings-detail", pk=findings.pk)
    else:
        form = FindingsStartForm(initial={"events": request.GET.getlist("event")[:20]})
    return render(request, "feedback/findings/new.html", {"form": form})


@require_safe
@never_cache
@capability_required(Capability.VIEW_FEEDBACK)
def findings_detail(request, pk):
    findings = _get_findings(request, pk, capability=Capability.VIEW_FEEDBACK)
    versions = list(findings.versions.order_by("number"))
    version = _version_chosen(request, versions)
    latest = versions[-1]
    history = findings_history(findings=findings)
    show_names = _shows_names(request)
    if show_names and any(change.because_of.all() for change in history):
        _audit_names(request, f"focus group members: the record of findings {findings.pk}")
    return render(
        request,
        "feedback/findings/detail.html",
        {
            "findings": findings,
            "version": version,
            "latest": latest,
            "versions": versions,
            "sections": findings_sections_for_reading(version=version),
            "history": history,
            "show_names": show_names,
            "asked": latest.sense_check_requests.count() if latest.sent_at else 0,
            "can_manage": can(request.user, Capability.MANAGE_FINDINGS),
        },
    )


def _refused(request, findings: Findings, refusal: FindingsRefused):
    messages.error(request, refusal.reason)
    return redirect("feedback:findings-detail", pk=findings.pk)


def _changed_message(request, findings: Findings, before: int) -> None:
    """Say what saving did, and whether it started a new version."""
    after = findings.versions.count()
    if after > before:
        messages.success(
            request,
            _("Saved as version %(number)d. The version the focus group read is kept as it was.")
            % {"number": after},
        )
    else:
        messages.success(request, _("Saved."))


@capability_required(Capability.MANAGE_FINDINGS)
def findings_edit(request, pk):
    findings = _get_findings(request, pk, capability=Capability.MANAGE_FINDINGS)
    if closed := _closed_for_changes(request, findings):
        return closed
    latest = findings.latest_version()
    form = FindingsOverviewForm(
        request.POST if request.method == "POST" else None,
        initial={"title": findings.title, "overview": latest.overview},
    )
    if request.method == "POST" and form.is_valid():
        before = findings.versions.count()
        try:
            findings_update(findings=findings, by=request.user, **form.cleaned_data)
        except FindingsRefused as refusal:
            form.add_error(None, refusal.reason)
        else:
            _changed_message(request, findings, before)
            return redirect("feedback:findings-detail", pk=findings.pk)
    return render(
        request,
        "feedback/findings/edit.html",
        {"findings": findings, "form": form, "latest": latest},
    )


def _candidates(findings: Findings):
    return list(
        findings_candidate_items(events=findings.events.all())
        .select_related("key_question")
        .prefetch_related("topics")
        .order_by(
            F("key_question__workstream__position").asc(nulls_last=True),
            F("key_question__text").asc(nulls_last=True),
            "pk",
        )
    )


def _answers_behind(request, section: FindingsSection) -> list:
    """The focus group's current answers about this section as they read it: about the
    section itself once sent, or about the one it was copied from while amending. Each
    has the `label` of the member who gave it."""
    read = section if section.version.is_locked else section.based_on
    if read is None:
        return []
    requests = list(
        SenseCheckRequest.objects.filter(version_id=read.version_id)
        .select_related("member__user")
        .order_by("sent_at", "pk")
    )
    answers = list(
        SectionAnswer.objects.current().filter(section=read).order_by("answered_at", "pk")
    )
    if answers:
        _label_members(request, requests, f"answers to findings {read.version.findings_id}")
    labels = {sense_request.pk: sense_request.label for sense_request in requests if answers}
    for answer in answers:
        answer.label = labels[answer.request_id]
    return answers


def _section_page(request, findings, form, section=None, answers=()):
    chosen = [item for _number, _pk, item, ticked in _ticked(form) if ticked]
    return render(
        request,
        "feedback/findings/section_form.html",
        {
            "findings": findings,
            "section": section,
            "form": form,
            "answers": answers,
            "chosen_groups": topic_groups(chosen),
        },
    )


def _ticked(form):
    for _question, boxes in form.item_groups():
        yield from boxes


@capability_required(Capability.MANAGE_FINDINGS)
def findings_section_new(request, pk):
    findings = _get_findings(request, pk, capability=Capability.MANAGE_FINDINGS)
    if closed := _closed_for_changes(request, findings):
        return closed
    form = FindingsSectionForm(
        request.POST if request.method == "POST" else None, candidates=_candidates(findings)
    )
    if request.method == "POST" and form.is_valid():
        before = findings.versions.count()
        try:
            findings_add_section(findings=findings, by=request.user, **form.cleaned_data)
        except FindingsRefused as refusal:
            form.add_error(None, refusal.reason)
        else:
            _changed_message(request, findings, before)
            return redirect("feedback:findings-detail", pk=findings.pk)
    return _section_page(request, findings, form)


@never_cache
@capability_required(Capability.MANAGE_FINDINGS)
def findings_section_edit(request, pk, section_pk):
    findings = _get_findings(request, pk, capability=Capability.MANAGE_FINDINGS)
    section = _get_section(findings, section_pk)
    if closed := _closed_for_changes(request, findings):
        return closed
    latest = findings.latest_version()
    if request.method == "GET" and section.version_id != latest.pk:
        copy = latest.sections.filter(based_on=section).first()
        if copy is None:
            messages.error(request, _("This section is not in the latest version."))
            return redirect("feedback:findings-detail", pk=findings.pk)
        return redirect("feedback:findings-section-edit", pk=findings.pk, section_pk=copy.pk)
    answers = _answers_behind(request, section)
    form = FindingsSectionForm(
        request.POST if request.method == "POST" else None,
        candidates=_candidates(findings),
        answers=answers,
        initial={
            "heading": section.heading,
            "summary": section.summary,
            "items": list(section.items.values_list("pk", flat=True)),
        },
    )
    if request.method == "POST" and form.is_valid():
        before = findings.versions.count()
        try:
            findings_update_section(
                findings=findings, section=section, by=request.user, **form.cleaned_data
            )
        except FindingsRefused as refusal:
            form.add_error(None, refusal.reason)
        else:
            _changed_message(request, findings, before)
            return redirect("feedback:findings-detail", pk=findings.pk)
    return _section_page(request, findings, form, section=section, answers=answers)


@require_POST
@capability_required(Capability.MANAGE_FINDINGS)
def findings_section_remove(request, pk, section_pk):
    findings = _get_findings(request, pk, capability=Capability.MANAGE_FINDINGS)
    section = _get_section(findings, section_pk)
    before = findings.versions.count()
    try:
        findings_remove_section(findings=findings, section=section, by=request.user)
    except FindingsRefused as refusal:
        return _refused(request, findings, refusal)
    _changed_message(request, findings, before)
    return redirect("feedback:findings-detail", pk=findings.pk)


@never_cache
@capability_required(Capability.MANAGE_FINDINGS)
def findings_send(request, pk):
    findings = _get_findings(request, pk, capability=Capability.MANAGE_FINDINGS)
    latest = findings.latest_version()
    members = list(FocusGroupMember.objects.active().select_related("user"))
    form = SenseCheckSendForm(request.POST if request.method == "POST" else None, members=members)
    if request.method == "POST" and form.is_valid():
        try:
            asked = findings_send_for_sense_check(
                findings=findings,
                members=form.chosen_members(),
                deadline=form.cleaned_data["deadline"],
                by=request.user,
            )
        except FindingsRefused as refusal:
            form.add_error(None, refusal.reason)
        else:
            messages.success(
                request,
                ngettext(
                    "Version %(number)d is sent. %(count)d member is emailed a link to check it.",
                    "Version %(number)d is sent. %(count)d members are emailed a link to check it.",
                    asked,
                )
                % {"number": latest.number, "count": asked},
            )
            return redirect("feedback:findings-detail", pk=findings.pk)
    if members:
        _audit_names(request, f"focus group members, to send findings {findings.pk}")
    return render(
        request,
        "feedback/findings/send.html",
        {
            "findings": findings,
            "latest": latest,
            "section_count": latest.sections.count(),
            "form": form,
            "members": members,
        },
    )


@require_safe
@never_cache
@capability_required(Capability.VIEW_FEEDBACK)
def findings_review(request, pk):
    findings = _get_findings(request, pk, capability=Capability.VIEW_FEEDBACK)
    versions = list(findings.versions.order_by("number"))
    sent = [version for version in versions if version.sent_at]
    if not sent:
        return render(
            request,
            "feedback/findings/review.html",
            {"findings": findings, "sent": [], "can_manage": False},
        )
    version = _version_chosen(request, sent)
    latest = versions[-1]
    requests, rows = sense_check_review(version=version, latest=latest)
    _label_members(request, requests, f"answers to findings {findings.pk}")
    return render(
        request,
        "feedback/findings/review.html",
        {
            "findings": findings,
            "sent": sent,
            "version": version,
            "latest": latest,
            "requests": requests,
            "rows": rows,
            "can_manage": can(request.user, Capability.MANAGE_FINDINGS) and findings.can_be_changed,
        },
    )


@require_safe
@capability_required(Capability.VIEW_FEEDBACK)
def findings_compare(request, pk):
    findings = _get_findings(request, pk, capability=Capability.VIEW_FEEDBACK)
    versions = {version.number: version for version in findings.versions.all()}
    numbers = sorted(versions)
    older_number, newer_number = numbers[max(len(numbers) - 2, 0)], numbers[-1]
    form = CompareForm(request.GET, numbers=numbers)
    if form.is_valid():
        older_number, newer_number = form.cleaned_data["older"], form.cleaned_data["newer"]
    else:
        # No choice made yet, or one made up: the latest two versions.
        form = CompareForm(initial={"older": older_number, "newer": newer_number}, numbers=numbers)
    older, newer = versions[older_number], versions[newer_number]
    if older.number > newer.number:
        older, newer = newer, older
    return render(
        request,
        "feedback/findings/compare.html",
        {
            "findings": findings,
            "form": form,
            "older": older,
            "newer": newer,
            "parts": findings_comparison(older=older, newer=newer) if older != newer else [],
            "one_version": len(numbers) == 1,
        },
    )


@require_POST
@capability_required(Capability.MANAGE_FINDINGS)
def findings_agree(request, pk):
    findings = _get_findings(request, pk, capability=Capability.MANAGE_FINDINGS)
    try:
        findings = findings_mark_agreed(findings=findings, by=request.user)
    except FindingsRefused as refusal:
        return _refused(request, findings, refusal)
    messages.success(
        request,
        _("Version %(number)d is agreed. Share it when you are ready.")
        % {"number": findings.agreed_version.number},
    )
    return redirect("feedback:findings-detail", pk=findings.pk)


@require_POST
@capability_required(Capability.MANAGE_FINDINGS)
def findings_share_view(request, pk):
    findings = _get_findings(request, pk, capability=Capability.MANAGE_FINDINGS)
    already_shared = findings.is_shared
    try:
        emailed = findings_share(findings=findings, by=request.user)
    except FindingsRefused as refusal:
        return _refused(request, findings, refusal)
    if already_shared:
        messages.info(request, _("These findings were shared already. Nothing more was sent."))
    else:
        messages.success(
            request,
            ngettext(
                "The findings are on the public event page, and %(count)d contact is being "
                "emailed them.",
                "The findings are on the public event page, and %(count)d contacts are being "
                "emailed them.",
                emailed,
            )
            % {"count": emailed},
        )
    return redirect("feedback:findings-detail", pk=findings.pk)
