"""The contact numbers page: how many people we can reach, and who they are, as
counts only, for everyone who plans engagement. Small numbers are suppressed."""

from django.shortcuts import render
from django.views.decorators.http import require_safe

from contacts.selectors import contact_numbers
from engagement.roles import Capability, can, capability_required


@require_safe
@capability_required(Capability.VIEW_CONTACT_COUNTS)
def contact_counts(request):
    numbers = contact_numbers()
    return render(
        request,
        "contacts/staff_counts.html",
        {
            "headline": numbers.headline,
            "by_community": numbers.by_community,
            "by_ethnicity": numbers.by_ethnicity,
            "by_age": numbers.by_age,
            "suppressed_label": numbers.suppressed_label,
            "can_see_contacts": can(request.user, Capability.VIEW_PERSONAL_DATA),
        },
    )
