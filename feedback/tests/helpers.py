"""Small helpers shared by the feedback app's tests, in the browser and out of it."""

import re
from datetime import timedelta
from importlib import import_module

import pytest
from django.apps import apps
from django.utils import timezone

from engagement.tests.factories import ProgrammeFactory
from events.tests.factories import EventFactory
from feedback.models import KeyQuestion
from feedback.services import feedback_release_pending
from feedback.tests.factories import (
    KeyQuestionFactory,
    ProgrammeKeyQuestionFactory,
    SafeguardingTermFactory,
    WorkstreamFactory,
)


def the_next_hour():
    """Anonymous forms join the feedback once their hour is over: pretend it is."""
    return timezone.now() + timedelta(hours=1)


def release_forms_sent_so_far() -> int:
    """Store the anonymous forms sent so far, as the hourly release will."""
    return feedback_release_pending(now=the_next_hour())


def form_data(questions, nonce="nonce-1", **answers) -> dict:
    """What the feedback form posts, every box empty unless given."""
    data = {"form_nonce": nonce, "website": "", "anything_else": ""}
    for question in questions:
        data[f"answer_{question.pk}"] = ""
    data.update(answers)
    return data


DUTY_INBOX = "duty@example.police.uk"


def a_programme_with_a_question():
    """An event whose programme asks the protect question, and the word "knife" on the
    safeguarding list: what the migrations make, made again here, because transactional
    tests empty the database. Returns the event and the question."""
    workstream = WorkstreamFactory(slug="protect", name="Protect")
    question = KeyQuestionFactory(
        text="How can the police better protect this community?", workstream=workstream
    )
    SafeguardingTermFactory(phrase="knife")
    event = EventFactory(held=True)
    ProgrammeKeyQuestionFactory(programme=event.programme, key_question=question)
    return event, question


def anonymous_form(question, nonce: str, answer: str = "", anything_else: str = "") -> dict:
    """What the feedback form posts for a programme with one question."""
    return {
        "form_nonce": nonce,
        "website": "",
        f"answer_{question.pk}": answer,
        "anything_else": anything_else,
    }


def taxonomy():
    """The workstreams, key questions, topics and safeguarding words the migrations
    make. Transactional tests empty the database after each test, so they are made
    again here, by the migrations' own code."""
    import_module("feedback.migrations.0002_race_action_plan_taxonomy").create_taxonomy(apps, None)
    import_module("feedback.migrations.0003_starter_safeguarding_terms").add_terms(apps, None)


def no_sideways_scroll(page, where: str):
    width = page.evaluate("() => document.documentElement.scrollWidth")
    viewport = page.viewport_size["width"]
    assert width <= viewport, f"{where} scrolls sideways at {viewport}px ({width}px wide)"


def wait_until(page, condition, timeout_ms: int = 5000):
    """Let the page run until the condition holds (e.g. something is in the database)."""
    for _ in range(timeout_ms // 50):
        if condition():
            return
        page.wait_for_timeout(50)
    pytest.fail("timed out waiting")


def tab_until(page, locator, most: int = 25):
    """Press Tab until the locator has the focus, as someone with only a keyboard."""
    for _ in range(most):
        page.keyboard.press("Tab")
        if locator.evaluate("element => element === document.activeElement"):
            return
    pytest.fail(f"{locator} was not reached in {most} presses of Tab")


def a_programme_asking_the_key_questions():
    """A programme asking the four key questions the migrations make, in order, made
    again first for transactional tests. Returns the programme and its questions."""
    taxonomy()
    programme = ProgrammeFactory(name="Race Action Plan listening events")
    questions = list(KeyQuestion.objects.order_by("workstream__position"))
    for position, question in enumerate(questions, start=1):
        ProgrammeKeyQuestionFactory(programme=programme, key_question=question, position=position)
    return programme, questions


# The label "Password" is also the start of "Password again".
FIRST_PASSWORD_BOX = "#id_password1"


def join_path_from(invitation_email) -> str:
    """The path of the join link in an emailed focus group invitation."""
    body = invitation_email.get_body(preferencelist=("plain",)).get_content()
    return re.search(r"https?://[^/\s]+(/panel/join/\S+/)", body).group(1)


def fill_in_the_join_form(page, *, username: str, password: str, agree: bool = True) -> None:
    page.get_by_label("Username").fill(username)
    page.locator(FIRST_PASSWORD_BOX).fill(password)
    page.get_by_label("Password again").fill(password)
    if agree:
        page.get_by_label("I have read the focus group's ground rules").check()
    page.get_by_role("button", name="Join the focus group").click()
