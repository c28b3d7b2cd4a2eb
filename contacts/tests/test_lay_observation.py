"""Lay observation as the services run it: offering places once each, taking them
until they are full, the waiting list, giving places up, the force cancelling,
reminders, who came and the visitors' anonymous form, and what withdrawing consent
and erasing one's details do to places."""

from datetime import datetime, time, timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from contacts.models import (
    Attendee,
    ConsentPurpose,
    ConsentRecord,
    ObservationPlace,
    Opportunity,
    OutboxMessage,
)
from contacts.selectors import lay_observation_counts
from contacts.services.consent import attendee_set_preferences, consent_withdraw
from contacts.services.lay_observation import (
    Answer,
    OpportunityDetails,
    PlaceProblem,
    lay_observation_send_reminders,
    opportunity_cancel,
    opportunity_edit,
    opportunity_offer,
    place_cancel,
    place_decline,
    place_mark_attendance,
    place_set_vetting,
    place_take,
)
from contacts.services.links import place_for_lay_observation_link
from contacts.services.records import attendee_erase, attendee_export
from contacts.tasks import send_lay_observation_reminders
from contacts.tests.factories import (
    AttendanceFactory,
    AttendeeFactory,
    ObservationPlaceFactory,
    OpportunityFactory,
)
from contacts.tests.lay_observation_helpers import (
    emails_about,
    feedback_link_in,
    interested,
    latest_email,
    link_in,
    offer,
    queued_emails_about,
)
from engagement.tests.factories import CommunityFactory, UserFactory

pytestmark = pytest.mark.django_db


def reload(place) -> ObservationPlace:
    return ObservationPlace.objects.get(pk=place.pk)


def statuses(*places) -> list[str]:
    return [reload(place).status for place in places]


def begun(opportunity):
    """The day has come: it began an hour ago."""
    Opportunity.objects.filter(pk=opportunity.pk).update(
        starts_at=timezone.now() - timedelta(hours=1), ends_at=timezone.now() + timedelta(hours=1)
    )
    opportunity.refresh_from_db()
    return opportunity


def local_day_at(days: int, hour: int = 10) -> datetime:
    day = timezone.localdate() + timedelta(days=days)
    return timezone.make_aware(datetime.combine(day, time(hour)))


# Offering places ---------------------------------------------------------------------


def test_an_offer_goes_once_to_each_interested_contact_with_an_email_address():
    opportunity = OpportunityFactory()
    ada, ben = interested(name="Ada"), interested(name="Ben")
    no_interest = AttendeeFactory(subscribed=True)
    no_email = interested(email="", phone="07700 900123")
    erased = interested()
    attendee_erase(attendee=erased)
    withdrawn = interested()
    consent_withdraw(
        attendee=withdrawn,
        purpose=ConsentPurpose.LAY_OBSERVATION,
        method=ConsentRecord.WithdrawalMethod.STAFF,
    )

    places = offer(opportunity, ada, ben)
    offer(opportunity, ada, ben, no_interest, no_email, erased, withdrawn)

    assert set(opportunity.places.values_list("attendee", flat=True)) == {ada.pk, ben.pk}
    for place in places:
        assert emails_about(place) == ["offer"]
        message = latest_email(place, "offer")
        assert message.consent_purpose == ConsentPurpose.LAY_OBSERVATION
        assert message.unsubscribe_url.endswith(f"/unsubscribe/{place.attendee.token}/")
        assert link_in(message).startswith("/lay-observation/")
        # Where to go is for people with a place only.
        assert "Bridge Street" not in message.body_text + message.body_html
        assert opportunity.title in message.body_text
    assert reload(places[0]).status == ObservationPlace.Status.OFFERED


def test_an_opportunity_only_for_people_who_came_to_an_event_is_offered_only_to_them():
    opportunity = OpportunityFactory(only_event_attendees=True)
    came, stayed_away = interested(), interested()
    AttendanceFactory(attendee=came)

    offer(opportunity, came, stayed_away)

    assert list(opportunity.places.values_list("attendee", flat=True)) == [came.pk]


def test_nothing_is_offered_once_it_has_begun_or_if_it_is_cancelled():
    begun_already = begun(OpportunityFactory())
    cancelled = OpportunityFactory(status=Opportunity.Status.CANCELLED)
    interested()

    for opportunity in (begun_already, cancelled):
        assert (
            opportunity_offer(opportunity=opportunity, attendees=Attendee.objects.all(), by=None)
            == 0
        )
    assert not ObservationPlace.objects.exists()
    assert not OutboxMessage.objects.exists()


# Taking places and the waiting list ----------------------------------------------------


def test_places_are_taken_until_full_then_people_join_the_waiting_list_in_order():
    opportunity = OpportunityFactory(places_available=2)
    first, second, third, fourth = offer(opportunity, *(interested() for _ in range(4)))

    assert [place_take(place=place) for place in (first, second, third, fourth)] == [
        Answer.TAKEN,
        Answer.TAKEN,
        Answer.WAITING,
        Answer.WAITING,
    ]

    assert statuses(first, second, third, fourth) == ["taken", "taken", "waiting", "waiting"]
    assert list(opportunity.places.waiting_in_order()) == [third, fourth]
    assert emails_about(first) == ["offer", "taken"]
    assert emails_about(third) == ["offer"]
    # The confirmation says where to go; the offer did not.
    assert "Bridge Street" in latest_email(first, "taken").body_text
    assert reload(first).vetting_status == ObservationPlace.Vetting.NOT_NEEDED


def test_taking_a_place_again_is_harmless_and_counts_as_activity():
    opportunity = OpportunityFactory(places_available=1)
    (place,) = offer(opportunity, interested())
    Attendee.objects.filter(pk=place.attendee_id).update(
        last_activity_at=timezone.now() - timedelta(days=300)
    )

    assert place_take(place=place) == Answer.TAKEN
    assert place_take(place=place) == Answer.TAKEN

    assert opportunity.places.holding().count() == 1
    assert emails_about(place) == ["offer", "taken"]
    assert reload(place).attendee.last_activity_at > timezone.now() - timedelta(minutes=1)


def test_a_place_needing_a_vetting_check_waits_for_it():
    opportunity = OpportunityFactory(needs_vetting=True)
    (place,) = offer(opportunity, interested())
    place_take(place=place)
    assert reload(place).vetting_status == ObservationPlace.Vetting.PENDING


def test_a_place_given_up_is_offered_to_the_first_on_the_waiting_list_who_takes_it():
    opportunity = OpportunityFactory(places_available=1)
    holder, first_waiting, second_waiting = offer(opportunity, *(interested() for _ in range(3)))
    for place in (holder, first_waiting, second_waiting):
        place_take(place=place)

    assert place_cancel(place=holder) is True
    assert place_cancel(place=holder) is False

    assert statuses(holder, first_waiting, second_waiting) == ["cancelled", "waiting", "waiting"]
    assert emails_about(first_waiting) == ["offer", "place-free"]
    assert emails_about(second_waiting) == ["offer"]
    # The place is not handed over: the person told must take it from their link.
    signed = link_in(latest_email(first_waiting, "place-free")).split("/")[2]
    assert place_for_lay_observation_link(signed=signed) == first_waiting
    assert place_take(place=first_waiting) == Answer.TAKEN
    assert statuses(first_waiting, second_waiting) == ["taken", "waiting"]


def test_giving_up_a_place_stops_its_reminder_if_it_has_not_gone_yet():
    opportunity = OpportunityFactory(starts_at=local_day_at(1), ends_at=local_day_at(1, 12))
    (place,) = offer(opportunity, interested())
    place_take(place=place)
    lay_observation_send_reminders()
    assert queued_emails_about(place) == ["offer", "taken", "reminder"]

    place_cancel(place=place)

    assert queued_emails_about(place) == []


def test_each_free_place_is_told_to_one_waiting_person_who_has_not_been_told():
    opportunity = OpportunityFactory(places_available=2)
    places = offer(opportunity, *(interested() for _ in range(5)))
    for place in places:
        place_take(place=place)
    first_holder, second_holder, first, second, third = places

    place_cancel(place=first_holder)
    place_cancel(place=second_holder)

    assert [bool(reload(place).told_place_free_at) for place in (first, second, third)] == [
        True,
        True,
        False,
    ]
    assert emails_about(third) == ["offer"]


def test_someone_told_who_finds_the_place_gone_stays_waiting_and_is_told_again_next_time():
    opportunity = OpportunityFactory(places_available=1)
    holder, told, quicker = offer(opportunity, *(interested() for _ in range(3)))
    for place in (holder, told, quicker):
        place_take(place=place)
    place_cancel(place=holder)
    assert emails_about(told) == ["offer", "place-free"]

    # Someone lower on the list opens their own link first and takes the place.
    assert place_take(place=quicker) == Answer.TAKEN
    assert place_take(place=told) == Answer.WAITING
    place_cancel(place=quicker)

    assert emails_about(told) == ["offer", "place-free", "place-free"]
    assert place_take(place=told) == Answer.TAKEN


def test_leaving_the_waiting_list_after_being_told_passes_the_free_place_on():
    opportunity = OpportunityFactory(places_available=1)
    holder, first, second = offer(opportunity, *(interested() for _ in range(3)))
    for place in (holder, first, second):
        place_take(place=place)
    place_cancel(place=holder)

    assert place_decline(place=first) is True
    assert place_decline(place=first) is False

    assert statuses(first, second) == ["declined", "waiting"]
    assert emails_about(second) == ["offer", "place-free"]


def test_not_for_me_turns_down_an_offer_and_can_be_changed_while_places_are_free():
    opportunity = OpportunityFactory(places_available=1)
    (place,) = offer(opportunity, interested())
    place_decline(place=place)
    assert statuses(place) == ["declined"]
    assert place_take(place=place) == Answer.TAKEN
    with pytest.raises(PlaceProblem) as problem:
        place_decline(place=place)
    assert problem.value.reason == "closed"


@pytest.mark.parametrize(
    ("make_it", "reason"),
    [
        ("begun", "started"),
        ("cancelled", "cancelled"),
        ("withdrawn", "withdrawn"),
        ("erased", "erased"),
    ],
)
def test_nobody_answers_after_the_date_for_a_cancelled_opportunity_or_once_they_are_gone(
    make_it, reason
):
    opportunity = OpportunityFactory(places_available=3)
    taken, offered = offer(opportunity, interested(), interested())
    place_take(place=taken)
    if make_it == "begun":
        begun(opportunity)
    elif make_it == "cancelled":
        opportunity_cancel(opportunity=opportunity, reason="Staff shortage", by=None)
    for place in (taken, offered):
        if make_it == "withdrawn":
            consent_withdraw(
                attendee=place.attendee,
                purpose=ConsentPurpose.LAY_OBSERVATION,
                method=ConsentRecord.WithdrawalMethod.PREFERENCES,
            )
        elif make_it == "erased":
            attendee_erase(attendee=place.attendee)
    before = statuses(taken, offered)

    for answer in (place_take, place_decline):
        with pytest.raises(PlaceProblem) as problem:
            answer(place=reload(offered))
        assert problem.value.reason == reason
    with pytest.raises(PlaceProblem) as problem:
        place_cancel(place=reload(taken))
    assert problem.value.reason == reason
    assert statuses(taken, offered) == before


# The force cancels ---------------------------------------------------------------------


def test_cancelling_tells_everyone_with_a_place_or_waiting_once_and_stops_other_mail():
    opportunity = OpportunityFactory(places_available=1)
    holder, waiting, unanswered = offer(opportunity, *(interested() for _ in range(3)))
    place_take(place=holder)
    place_take(place=waiting)

    told = opportunity_cancel(
        opportunity=opportunity, reason="The suite is closed for repairs.", by=None
    )
    again = opportunity_cancel(opportunity=opportunity, reason="Twice", by=None)

    assert (told, again) == (2, 0)
    opportunity.refresh_from_db()
    assert opportunity.is_cancelled
    assert opportunity.cancellation_reason == "The suite is closed for repairs."
    assert emails_about(holder) == ["offer", "taken", "cancelled"]
    assert emails_about(waiting) == ["offer", "cancelled"]
    assert emails_about(unanswered) == ["offer"]
    assert "closed for repairs" in latest_email(holder, "cancelled").body_text
    # Offers nobody answered, and anything else still queued, will not go now.
    assert queued_emails_about(unanswered) == []
    assert queued_emails_about(holder) == ["cancelled"]


# Reminders -----------------------------------------------------------------------------


def test_people_with_a_place_are_reminded_two_days_before_once_for_each_date():
    soon = OpportunityFactory(starts_at=local_day_at(2), ends_at=local_day_at(2, 12))
    later = OpportunityFactory(starts_at=local_day_at(4), ends_at=local_day_at(4, 12))
    holder, waiting = offer(soon, interested(), interested())
    Opportunity.objects.filter(pk=soon.pk).update(places_available=1)
    place_take(place=holder)
    place_take(place=waiting)
    (later_holder,) = offer(later, interested())
    place_take(place=later_holder)

    assert lay_observation_send_reminders() == 1
    assert send_lay_observation_reminders.delay().get() == 0

    assert emails_about(holder) == ["offer", "taken", "reminder"]
    assert "Bridge Street" in latest_email(holder, "reminder").body_text
    assert "reminder" not in emails_about(waiting) + emails_about(later_holder)

    # Moved to the next day: told once, and reminded again for the new date.
    soon.refresh_from_db()
    details = details_of(soon, starts_at=local_day_at(1), ends_at=local_day_at(1, 12))
    assert opportunity_edit(opportunity=soon, details=details, by=None) == ["starts_at", "ends_at"]
    assert opportunity_edit(opportunity=soon, details=details, by=None) == []
    assert lay_observation_send_reminders() == 1
    assert emails_about(holder) == ["offer", "taken", "reminder", "changed", "reminder"]


def test_the_scheduler_sends_reminders_every_morning():
    entry = settings.CELERY_BEAT_SCHEDULE["send-lay-observation-reminders"]
    assert entry["task"] == "contacts.tasks.send_lay_observation_reminders"
    assert entry["schedule"].hour == {10}


# Editing -------------------------------------------------------------------------------


def details_of(opportunity, **changes) -> OpportunityDetails:
    return OpportunityDetails(
        **{
            name: changes.get(name, getattr(opportunity, name))
            for name in OpportunityDetails.__dataclass_fields__
        }
    )


def test_more_places_go_to_the_waiting_list_and_fewer_than_taken_are_refused():
    opportunity = OpportunityFactory(places_available=1)
    holder, waiting = offer(opportunity, interested(), interested())
    place_take(place=holder)
    place_take(place=waiting)

    with pytest.raises(ValueError):
        opportunity_edit(
            opportunity=opportunity, details=details_of(opportunity, places_available=0), by=None
        )
    opportunity_edit(
        opportunity=opportunity, details=details_of(opportunity, places_available=2), by=None
    )

    assert emails_about(waiting) == ["offer", "place-free"]
    assert emails_about(holder) == ["offer", "taken"], "a new number of places is not news"


def test_a_cancelled_opportunity_cannot_change():
    opportunity = OpportunityFactory()
    opportunity_cancel(opportunity=opportunity, reason="No staff", by=None)
    with pytest.raises(ValueError):
        opportunity_edit(
            opportunity=opportunity, details=details_of(opportunity, title="Another"), by=None
        )


# Vetting and the day itself ---------------------------------------------------------------


def test_the_vetting_outcome_is_recorded_and_someone_not_cleared_gives_up_their_place():
    opportunity = OpportunityFactory(places_available=1, needs_vetting=True)
    holder, waiting = offer(opportunity, interested(), interested())
    place_take(place=holder)
    place_take(place=waiting)
    officer = UserFactory()

    assert place_set_vetting(place=holder, vetting="cleared", by=officer) is True
    assert place_set_vetting(place=holder, vetting="cleared", by=officer) is False
    with pytest.raises(ValueError):
        place_set_vetting(place=holder, vetting="the check's details", by=officer)
    assert place_set_vetting(place=holder, vetting="not_cleared", by=officer) is True

    assert statuses(holder, waiting) == ["cancelled", "waiting"]
    assert reload(holder).vetting_status == ObservationPlace.Vetting.NOT_CLEARED
    assert emails_about(holder) == ["offer", "taken", "not-cleared"]
    assert emails_about(waiting) == ["offer", "place-free"]
    with pytest.raises(PlaceProblem):
        place_set_vetting(place=waiting, vetting="cleared", by=officer)


def test_no_vetting_is_recorded_for_an_opportunity_that_needs_none():
    (place,) = offer(OpportunityFactory(), interested())
    place_take(place=place)
    with pytest.raises(PlaceProblem):
        place_set_vetting(place=place, vetting="cleared", by=UserFactory())


def test_who_came_is_recorded_on_the_day_and_each_visitor_gets_the_same_anonymous_form_once():
    opportunity = OpportunityFactory(places_available=3)
    came, stayed_away, waiting = offer(opportunity, interested(), interested(), interested())
    for place in (came, stayed_away):
        place_take(place=place)
    officer = UserFactory()
    with pytest.raises(PlaceProblem):
        place_mark_attendance(opportunity=opportunity, came={came.pk}, by=officer)
    begun(opportunity)

    assert place_mark_attendance(opportunity=opportunity, came={came.pk}, by=officer) == (1, 1)
    assert place_mark_attendance(opportunity=opportunity, came={came.pk}, by=officer) == (1, 1)

    assert statuses(came, stayed_away, waiting) == ["attended", "did_not_attend", "offered"]
    assert emails_about(came) == ["offer", "taken", "feedback"]
    assert "feedback" not in emails_about(stayed_away)
    form_link = feedback_link_in(latest_email(came, "feedback"))
    assert form_link == f"/give-feedback/lay-observation/{opportunity.feedback_token}/"

    # Corrected: the other one came. Their form goes; the first one's, still queued, not.
    place_mark_attendance(opportunity=opportunity, came={stayed_away.pk}, by=officer)
    assert queued_emails_about(came) == ["offer", "taken"]
    assert feedback_link_in(latest_email(stayed_away, "feedback")) == form_link
    # A place id from another opportunity, or a waiting person's, counts for nothing.
    assert place_mark_attendance(
        opportunity=opportunity, came={waiting.pk, ObservationPlaceFactory().pk}, by=officer
    ) == (0, 2)


def test_attendance_cannot_be_recorded_for_a_cancelled_opportunity():
    opportunity = OpportunityFactory()
    opportunity_cancel(opportunity=opportunity, reason="No staff", by=None)
    begun(opportunity)
    with pytest.raises(PlaceProblem):
        place_mark_attendance(opportunity=opportunity, came=set(), by=UserFactory())


# Withdrawing consent and erasure -----------------------------------------------------------


def test_withdrawing_lay_observation_consent_gives_up_places_and_stops_queued_mail():
    opportunity = OpportunityFactory(places_available=1)
    other = OpportunityFactory()
    holder, waiting = offer(opportunity, interested(), interested())
    place_take(place=holder)
    place_take(place=waiting)
    (offered_elsewhere,) = offer(other, holder.attendee)

    consent_withdraw(
        attendee=holder.attendee,
        purpose=ConsentPurpose.LAY_OBSERVATION,
        method=ConsentRecord.WithdrawalMethod.STAFF,
    )

    assert statuses(holder, offered_elsewhere, waiting) == ["withdrawn", "withdrawn", "waiting"]
    assert queued_emails_about(holder) == [] and queued_emails_about(offered_elsewhere) == []
    assert emails_about(waiting) == ["offer", "place-free"]
    assert OutboxMessage.objects.filter(
        attendee=holder.attendee, status=OutboxMessage.Status.CANCELLED
    ).exists()


def test_unticking_lay_observation_on_the_my_data_page_gives_up_places_and_nothing_else():
    opportunity = OpportunityFactory()
    (place,) = offer(opportunity, interested(subscribed=True))

    attendee_set_preferences(attendee=place.attendee, purposes={ConsentPurpose.EMAIL_UPDATES})
    assert statuses(place) == ["withdrawn"]

    # Withdrawing a different consent leaves lay observation alone.
    (other,) = offer(OpportunityFactory(), keeps := interested(subscribed=True))
    attendee_set_preferences(attendee=keeps, purposes={ConsentPurpose.LAY_OBSERVATION})
    assert statuses(other) == ["offered"]


def test_erasure_gives_up_places_to_come_and_keeps_past_ones_for_the_counts_without_vetting():
    past = OpportunityFactory(needs_vetting=True)
    upcoming = OpportunityFactory(places_available=1)
    person, waiting = interested(), interested()
    (past_place,) = offer(past, person)
    place_take(place=past_place)
    place_set_vetting(place=past_place, vetting="cleared", by=UserFactory())
    begun(past)
    place_mark_attendance(opportunity=past, came={past_place.pk}, by=UserFactory())
    upcoming_place, waiting_place = offer(upcoming, person, waiting)
    place_take(place=upcoming_place)
    place_take(place=waiting_place)

    attendee_erase(attendee=person)

    assert statuses(past_place, upcoming_place, waiting_place) == [
        "attended",
        "withdrawn",
        "waiting",
    ]
    assert reload(past_place).vetting_status == ""
    assert reload(past_place).attendee.name == ""
    assert emails_about(waiting_place) == ["offer", "place-free"]
    assert not OutboxMessage.objects.filter(attendee=person, status="queued").exists()


def test_the_my_data_download_lists_every_lay_observation():
    person = interested()
    (taken,) = offer(OpportunityFactory(title="Custody suite visit, Longsight"), person)
    place_take(place=taken)
    offer(OpportunityFactory(title="Control room visit"), person)

    exported = attendee_export(attendee=person)["lay_observation"]

    assert [(visit["opportunity"], visit["status"]) for visit in exported] == [
        ("Custody suite visit, Longsight", "Has a place"),
        ("Control room visit", "Offered, no answer yet"),
    ]
    assert exported[0]["kind"] == "Custody suite visit"
    assert exported[0]["date"] == timezone.localtime(taken.opportunity.starts_at).date().isoformat()
    assert exported[0]["vetting_check"] == "Not needed"


# Counts --------------------------------------------------------------------------------


def test_counts_are_suppressed_below_the_threshold_and_count_only_opportunities_that_ran():
    community = CommunityFactory(name="Somali")
    CommunityFactory(name="Eritrean")
    run = OpportunityFactory(places_available=20)
    people = [interested(shares_demographics=True, communities=[community]) for _ in range(12)] + [
        interested() for _ in range(3)
    ]
    places = offer(run, *people)
    for place in places[:11]:
        place_take(place=place)
    begun(run)
    place_mark_attendance(opportunity=run, came={place.pk for place in places[:10]}, by=None)
    cancelled = OpportunityFactory()
    offer(cancelled, *people)
    opportunity_cancel(opportunity=cancelled, reason="No staff", by=None)
    OpportunityFactory()

    counts = lay_observation_counts()

    assert (counts.opportunities_run, counts.opportunities_to_come) == (1, 1)
    assert [cell.count for cell in counts.totals] == [15, 11, 10]
    rows = dict(counts.by_community)
    assert [cell.count for cell in rows["Somali"]] == [12, 11, 10]
    # Three people did not say which community: too few to show, and so the next
    # smallest number is hidden too, so it cannot be worked out from the total.
    assert all(cell.is_suppressed for cell in rows["Not given"])
    assert counts.suppressed_label == "fewer than 10"


def test_counts_of_a_handful_of_people_are_all_suppressed():
    (place,) = offer(OpportunityFactory(), interested())
    place_take(place=place)
    counts = lay_observation_counts()
    assert all(cell.is_suppressed for cell in counts.totals)
    assert all(cell.is_suppressed for _label, cells in counts.by_community for cell in cells)
