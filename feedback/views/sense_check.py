"""The sense-check on the panel, made for phones: a member reads the findings they
were asked about and answers section by section. They see the findings, the redacted
points they quote and their own answers; never anyone's name or contact details, and
never another member's answers."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from feedback.access import panel_member_required
from feedback.forms import SectionAnswerForm
from feedback.models import SenseCheckRequest
from feedback.selectors import sense_check_sections
from feedback.services import FindingsRefused, sense_check_answer, sense_check_refusal


def _get_request_for(request, pk) -> SenseCheckRequest:
    """One of the signed-in member's own requests, or a 404: a member can never reach
    another member's request, even by guessing its number."""
    return get_object_or_404(
        SenseCheckRequest.objects.select_related("version__findings", "member"),
        pk=pk,
        member=request.focus_group_member,
    )


@require_safe
@never_cache
@panel_member_required
def sense_check(request, pk):
    sense_request = _get_request_for(request, pk)
    sections = sense_check_sections(request=sense_request)
    return render(
        request,
        "panel/sense_check.html",
        {
            "sense_request": sense_request,
            "findings": sense_request.version.findings,
            "version": sense_request.version,
            "sections": sections,
            "answered": sum(1 for section in sections if section.answer),
            "closed_because": sense_check_refusal(sense_request),
            "deadline_passed": sense_request.is_late(timezone.now()),
        },
    )


def _next_section_url(sense_request, sections, after) -> str:
    """The next section still to answer after this one, or the findings' page."""
    later = [section for section in sections if section.position > after.position]
    earlier = [section for section in sections if section.position <= after.position]
    for section in later + earlier:
        if section.answer is None and section.pk != after.pk:
            return reverse(
                "panel:sense-check-answer",
                kwargs={"pk": sense_request.pk, "section_pk": section.pk},
            )
    return reverse("panel:sense-check", kwargs={"pk": sense_request.pk})


@require_http_methods(["GET", "HEAD", "POST"])
@never_cache
@panel_member_required
def sense_check_section(request, pk, section_pk):
    sense_request = _get_request_for(request, pk)
    sections = sense_check_sections(request=sense_request)
    section = next((section for section in sections if section.pk == section_pk), None)
    if section is None:
        raise Http404
    closed_because = sense_check_refusal(sense_request)
    initial = {}
    if section.answer:
        initial = {
            "verdict": section.answer.verdict,
            "comment": section.answer.comment,
            "suggestion": section.answer.suggested_wording,
        }
    form = SectionAnswerForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and not closed_because and form.is_valid():
        try:
            answer = sense_check_answer(
                request=sense_request,
                section=section,
                verdict=form.cleaned_data["verdict"],
                comment=form.cleaned_data["comment"],
                suggestion=form.cleaned_data["suggestion"],
            )
        except FindingsRefused as refusal:
            form.add_error(None, refusal.reason)
        else:
            if answer.is_late:
                messages.success(
                    request,
                    _(
                        "Thank you, your answer is saved. It came after the deadline, so it "
                        "is marked as late, but it will still be read."
                    ),
                )
            else:
                messages.success(request, _("Thank you, your answer is saved."))
            return redirect(_next_section_url(sense_request, sections, section))
    position = sections.index(section) + 1
    return render(
        request,
        "panel/sense_check_section.html",
        {
            "sense_request": sense_request,
            "findings": sense_request.version.findings,
            "section": section,
            "position": position,
            "section_count": len(sections),
            "form": form,
            "closed_because": closed_because,
            "deadline_passed": sense_request.is_late(timezone.now()),
        },
    )
