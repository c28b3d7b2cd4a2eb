"""iCalendar (RFC 5545) files of published events, for calendar apps."""

from datetime import UTC
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar
from icalendar import Event as CalendarEvent


def _location(event) -> str:
    parts = []
    if event.venue:
        parts.append(event.venue.name)
        parts.extend(line.strip() for line in event.venue.address.splitlines() if line.strip())
        if event.venue.postcode:
            parts.append(event.venue.postcode)
    if event.needs_online_link:
        parts.append("Online")
    return ", ".join(parts)


def calendar_for_events(events, *, request=None) -> Calendar:
    host = urlsplit(settings.SITE_URL).hostname or "community-voice"
    calendar = Calendar()
    calendar.add("prodid", f"-//{settings.ORGANISATION_NAME}//Community Voice//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", f"{settings.ORGANISATION_NAME} community events")
    now = timezone.now().astimezone(UTC)
    for event in events:
        url = f"{settings.SITE_URL}{event.get_absolute_url()}"
        entry = CalendarEvent()
        # From the id, never the address: the address changes with the title and date,
        # and a calendar app that is sent a new UID shows the event twice.
        entry.add("uid", f"event-{event.pk}@{host}")
        entry.add("dtstamp", now)
        entry.add("last-modified", event.updated_at.astimezone(UTC))
        entry.add("dtstart", event.starts_at.astimezone(UTC))
        entry.add("dtend", event.ends_at.astimezone(UTC))
        entry.add("summary", event.title)
        description = event.public_description.strip()
        entry.add("description", f"{description}\n\n{url}".strip())
        entry.add("url", url)
        location = _location(event)
        if location:
            entry.add("location", location)
        entry.add("status", "CANCELLED" if event.is_cancelled else "CONFIRMED")
        # Calendar apps only replace an entry they already have when the sequence grows.
        entry.add("sequence", int(event.updated_at.timestamp()) // 60 % 2_000_000_000)
        calendar.add_component(entry)
    return calendar
