"""Small helpers shared by the events app's tests, in the browser and out of it."""

from django.utils import timezone

DESKTOP = {"width": 1280, "height": 800}
SMALL_PHONE = {"width": 320, "height": 640}

# The four questions the feedback app's migration puts in every new database.
KEY_QUESTIONS = [
    "How can the police better respect this community?",
    "How can the police better protect this community?",
    "How can the police better involve this community?",
    "How can the police better represent this community?",
]


def local(moment) -> str:
    """A time as a datetime-local box holds it."""
    return f"{timezone.localtime(moment):%Y-%m-%dT%H:%M}"


def local_minute(moment):
    """A local time to the minute, as a datetime-local box holds it."""
    return timezone.localtime(moment).replace(second=0, microsecond=0)


def fact(page, term: str):
    """The <dd> that answers a <dt> in a list of facts, e.g. fact(page, "Planned")."""
    return page.locator(f"dl dt:text-is('{term}') + dd")
