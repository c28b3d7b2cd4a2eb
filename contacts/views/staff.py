"""Staff pages about contacts: the people who chose to leave their details.

Names, emails, phone numbers and demographics are shown only to people who may see
personal data (Coordinators and Administrators). Every list, contact page and export
they open is written to the audit log, and none of those pages may be cached. Leaders
see counts only, on the contact numbers page (counts.py), where small numbers are
suppressed.
"""

import csv

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from contacts.filters import ContactFilter
from contacts.forms import AttendanceForm, ContactEditForm, PaperContactForm, WithdrawalForm
from contacts.models import (
    PRIVACY_NOTICE_VERSION,
    Attendee,
    ConsentPurpose,
    ConsentRecord,
    ContactStatus,
)
from contacts.paper_form import paper_keep_in_touch_form
from contacts.selectors import contact_row, contacts_for_list
from contacts.services.consent import consent_withdraw
from contacts.services.invitations import attendance_record
from contacts.services.records import attendee_update
from contacts.services.sign_up import attendee_keep_in_touch
from engagement.languages import enabled_languages, print_language
from engagement.models import AuditLogEntry
from engagement.roles import Capability, can, capability_required
from engagement.services import audit_record

CONTACTS_PER_PAGE = 50
EXPORT_CHUNK_SIZE = 500


# Reading contacts ------------------------------------------------------------------


def _audit_subject(what: str, contact_filter) -> str:
    filters = contact_filter.describe()
    return f"{what}; filters: {filters}" if filters else what


@require_safe
@never_cache
@capability_required(Capability.VIEW_PERSONAL_DATA)
def contact_list(request):
    contact_filter = ContactFilter(request.GET, queryset=contacts_for_list())
    page = Paginator(contact_filter.qs, CONTACTS_PER_PAGE).get_page(request.GET.get("page"))
    audit_record(
        request=request,
        action=AuditLogEntry.Action.VIEWED_LIST,
        subject=_audit_subject(f"contacts, page {page.number}", contact_filter),
    )
    return render(
        request,
        "contacts/staff_list.html",
        {
            "filter": contact_filter,
            "page": page,
            "rows": [contact_row(attendee) for attendee in page.object_list],
            "searching": contact_filter.is_searching(),
            "filters_in_use": contact_filter.is_filtering(),
            "can_add": can(request.user, Capability.MANAGE_EVENTS),
        },
    )


def _csv_cell(value) -> str:
    """Text as a spreadsheet will show it, never run: a cell that starts like a formula
    (=, +, -, @) gets a leading apostrophe. Names and phone numbers come from the public."""
    text = str(value)
    if text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return f"'{text}"
    return text


@require_safe
@never_cache
@capability_required(Capability.VIEW_PERSONAL_DATA)
def contact_export(request):
    """The filtered list as a CSV file. Erased contacts hold nothing, so they are left out."""
    contact_filter = ContactFilter(request.GET, queryset=contacts_for_list().not_erased())
    audit_record(
        request=request,
        action=AuditLogEntry.Action.EXPORTED,
        subject=_audit_subject("contacts CSV export", contact_filter),
    )
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="contacts-{timezone.localdate():%Y-%m-%d}.csv"'
    )
    # A byte order mark, so that Excel reads names with accents correctly.
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow(
        [
            _("Name"),
            _("Email address"),
            _("Phone number"),
            _("Agreed to"),
            _("Communities"),
            _("How we got their details"),
            _("Added"),
            _("Status"),
        ]
    )
    for attendee in contact_filter.qs.iterator(chunk_size=EXPORT_CHUNK_SIZE):
        row = contact_row(attendee)
        writer.writerow(
            [
                _csv_cell(cell)
                for cell in (
                    attendee.name,
                    attendee.email,
                    attendee.phone,
                    "; ".join(row.agreed_to),
                    "; ".join(row.communities),
                    attendee.get_source_display(),
                    f"{timezone.localtime(attendee.created_at):%Y-%m-%d}",
                    row.status,
                )
            ]
        )
    return response


@require_safe
@never_cache
@capability_required(Capability.VIEW_PERSONAL_DATA)
def contact_detail(request, pk):
    attendee = get_object_or_404(Attendee.objects.select_related("entered_by").with_status(), pk=pk)
    audit_record(
        request=request, action=AuditLogEntry.Action.VIEWED_CONTACT, subject=f"contact {pk}"
    )
    consents = list(attendee.consents.select_related("recorded_by").order_by("given_at", "pk"))
    live = {consent.purpose for consent in consents if consent.is_live}
    can_manage_events = can(request.user, Capability.MANAGE_EVENTS)
    return render(
        request,
        "contacts/staff_detail.html",
        {
            "attendee": attendee,
            "status_label": ContactStatus(attendee.contact_status).label,
            "consents": consents,
            "demographics_live": ConsentPurpose.DEMOGRAPHIC_DATA in live,
            "communities": attendee.communities.order_by("name"),
            "attendances": attendee.attendances.select_related("event").order_by(
                "-event__starts_at"
            ),
            "invitations": attendee.invitations.select_related("event", "invited_by").order_by(
                "-created_at"
            ),
            "observation_places": attendee.observation_places.select_related(
                "opportunity"
            ).order_by("-opportunity__starts_at", "-pk"),
            "emails": attendee.messages.only(
                "subject", "status", "to_address", "created_at", "sent_at", "attendee_id"
            ).order_by("-created_at"),
            "attendance_form": AttendanceForm(attendee=attendee)
            if can_manage_events and not attendee.is_erased
            else None,
            "can_edit": not attendee.is_erased and can(request.user, Capability.EDIT_CONTACTS),
        },
    )


# Changing contacts -----------------------------------------------------------------


def _refuse_erased(request, attendee) -> bool:
    if attendee.is_erased:
        messages.error(request, _("This contact's details were erased, so nothing can change."))
        return True
    return False


@require_http_methods(["GET", "POST"])
@never_cache
@capability_required(Capability.EDIT_CONTACTS)
def contact_edit(request, pk):
    attendee = get_object_or_404(Attendee, pk=pk)
    if _refuse_erased(request, attendee):
        return redirect(attendee.get_staff_url())
    live = attendee.live_consent_purposes()
    form = ContactEditForm(
        request.POST if request.method == "POST" else None,
        attendee=attendee,
        demographics_allowed=ConsentPurpose.DEMOGRAPHIC_DATA in live,
        gets_email=ConsentPurpose.EMAIL_UPDATES in live
        or attendee.consents.awaiting_confirmation().exists(),
    )
    if request.method == "POST" and form.is_valid():
        changed = attendee_update(attendee=attendee, by=request.user, **form.cleaned_data)
        audit_record(
            request=request,
            action=AuditLogEntry.Action.CHANGED_CONTACT,
            subject=f"contact {pk}: {', '.join(changed) or 'no change'}",
        )
        messages.success(request, _("Your changes are saved."))
        return redirect(attendee.get_staff_url())
    if request.method != "POST":
        audit_record(
            request=request, action=AuditLogEntry.Action.VIEWED_CONTACT, subject=f"contact {pk}"
        )
    return render(
        request,
        "contacts/staff_edit.html",
        {"form": form, "attendee": attendee},
    )


@require_http_methods(["GET", "POST"])
@never_cache
@capability_required(Capability.VIEW_PERSONAL_DATA)
@capability_required(Capability.MANAGE_EVENTS)
def contact_create(request):
    """Type in a paper form, or details someone gave an officer in person."""
    form = PaperContactForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        already_known = Attendee.objects.find_by_email(data["email"]) is not None
        attendee = attendee_keep_in_touch(
            name=data["name"],
            email=data["email"],
            phone=data["phone"],
            purposes=form.chosen_purposes(),
            communities=data["communities"],
            ethnicity=data["ethnicity"],
            age_band=data["age_band"],
            postcode_district=data["postcode_district"],
            method=data["method"],
            recorded_by=request.user,
            language=data["email_language"],
        )
        audit_record(
            request=request,
            action=AuditLogEntry.Action.ADDED_CONTACT,
            subject=f"contact {attendee.pk}" + (" (already known)" if already_known else ""),
        )
        if already_known:
            messages.success(
                request,
                _("They were already a contact with this address, so their record is updated."),
            )
        else:
            messages.success(request, _("The contact is saved."))
        return redirect(attendee.get_staff_url())
    return render(
        request,
        "contacts/staff_new.html",
        {"form": form, "notice_version": PRIVACY_NOTICE_VERSION},
    )


@require_safe
@capability_required(Capability.MANAGE_EVENTS)
def paper_form(request):
    """The keep-in-touch form to print, with the questions the screen above types in.
    It is blank, so it shows no personal data and is not written to the audit log."""
    with translation.override(print_language(request.GET.get("language"))):
        return render(
            request,
            "contacts/paper_form.html",
            {
                "sections": paper_keep_in_touch_form(),
                "notice_version": PRIVACY_NOTICE_VERSION,
                "print_languages": enabled_languages(),
            },
        )


def _first_error(form) -> str:
    return next(iter(form.errors.values()))[0]


@require_POST
@capability_required(Capability.VIEW_PERSONAL_DATA)
@capability_required(Capability.MANAGE_EVENTS)
def contact_record_attendance(request, pk):
    attendee = get_object_or_404(Attendee, pk=pk)
    if _refuse_erased(request, attendee):
        return redirect(attendee.get_staff_url())
    form = AttendanceForm(request.POST, attendee=attendee)
    if not form.is_valid():
        messages.error(request, _first_error(form))
        return redirect(attendee.get_staff_url())
    event = form.cleaned_data["event"]
    attendance_record(attendee=attendee, event=event)
    audit_record(
        request=request,
        action=AuditLogEntry.Action.CHANGED_CONTACT,
        subject=f"contact {pk}: attended event {event.pk}",
    )
    messages.success(request, _("Recorded that they came to %(event)s.") % {"event": event.title})
    return redirect(attendee.get_staff_url())


@require_POST
@capability_required(Capability.EDIT_CONTACTS)
def contact_withdraw_consent(request, pk):
    """Someone told an officer, wrote or phoned to take back one of their choices."""
    attendee = get_object_or_404(Attendee, pk=pk)
    if _refuse_erased(request, attendee):
        return redirect(attendee.get_staff_url())
    form = WithdrawalForm(request.POST)
    if not form.is_valid():
        messages.error(request, _first_error(form))
        return redirect(attendee.get_staff_url())
    purpose = form.cleaned_data["purpose"]
    withdrawn = consent_withdraw(
        attendee=attendee, purpose=purpose, method=ConsentRecord.WithdrawalMethod.STAFF
    )
    label = ConsentPurpose(purpose).label
    if withdrawn:
        audit_record(
            request=request,
            action=AuditLogEntry.Action.CHANGED_CONTACT,
            subject=f"contact {pk}: withdrew {purpose}",
        )
        messages.success(
            request, _("Recorded: they no longer agree to %(what)s.") % {"what": label}
        )
    else:
        messages.info(
            request, _("They had not agreed to %(what)s, so nothing changed.") % {"what": label}
        )
    return redirect(attendee.get_staff_url())
