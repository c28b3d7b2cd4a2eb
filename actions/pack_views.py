"""The pack for an event, from its staff hub: the slides as a PowerPoint file and as a
printable page, and the one-page handout for attendees. Those who read events may
open them for any event that was not cancelled; a past event's pack still opens, for
officers who reuse it."""

import segno
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from actions.packs import PPTX_CONTENT_TYPE, event_pack, pack_slides, pptx_for
from engagement.roles import Capability, capability_required
from events.access import get_event_for

# What the handout has room for on one side of A4.
HANDOUT_ACTIONS = 6


def _pack_for(request, pk):
    event = get_event_for(request, pk, capability=Capability.VIEW_EVENTS)
    if event.is_cancelled:
        raise Http404(_("This event was cancelled, so it has no pack."))
    return event_pack(event)


def _fair_share(groups: list[list], room: int) -> list:
    """Up to `room` entries, taking one from each group in turn so that none is left
    out for want of space, kept in the groups' order."""
    taken = [0] * len(groups)
    while sum(taken) < room and any(n < len(g) for n, g in zip(taken, groups, strict=True)):
        for index, group in enumerate(groups):
            if taken[index] < len(group) and sum(taken) < room:
                taken[index] += 1
    return [entry for count, group in zip(taken, groups, strict=True) for entry in group[:count]]


def _qr_svg(url: str) -> str:
    return segno.make(url, error="m").svg_inline(
        scale=6, border=2, title=_("QR code for the feedback form")
    )


@require_safe
@capability_required(Capability.VIEW_EVENTS)
def pack_page(request, pk):
    """The slides as a printable page, one slide to a landscape page."""
    pack = _pack_for(request, pk)
    return render(
        request,
        "actions/pack/slides.html",
        {"pack": pack, "slides": pack_slides(pack), "qr_svg": _qr_svg(pack.feedback_url)},
    )


@require_safe
@capability_required(Capability.VIEW_EVENTS)
def pack_pptx(request, pk):
    pack = _pack_for(request, pk)
    response = HttpResponse(pptx_for(pack), content_type=PPTX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{pack.event.slug}-pack.pptx"'
    return response


@require_safe
@capability_required(Capability.VIEW_EVENTS)
def handout(request, pk):
    """One side of A4 for each attendee, in plain words."""
    pack = _pack_for(request, pk)
    news = _fair_share(
        [
            [(_("We did"), action, action.we_did) for action in pack.done],
            [(_("We will"), action, action.we_did) for action in pack.agreed],
            [(_("We cannot"), action, action.cannot_act_reason) for action in pack.cannot_act],
        ],
        HANDOUT_ACTIONS,
    )
    total = len(pack.done) + len(pack.agreed) + len(pack.cannot_act)
    return render(
        request,
        "actions/pack/handout.html",
        {
            "pack": pack,
            "news": news,
            "more_news": total - len(news),
            "qr_svg": _qr_svg(pack.feedback_url),
            "short_feedback_url": pack.feedback_url.split("://", 1)[-1],
        },
    )
