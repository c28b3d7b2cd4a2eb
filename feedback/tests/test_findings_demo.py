"""The demo programme has findings at every step, made through the services, with the
focus group's answers."""

import pytest
from django.contrib.auth import get_user_model

from feedback.models import Findings, FindingsChange, SectionAnswer, SenseCheckRequest
from feedback.selectors import findings_to_check

pytestmark = pytest.mark.django_db


def test_demo_findings_are_at_every_step_with_answers_from_members(demo_data):
    assert set(Findings.objects.values_list("status", flat=True)) == set(Findings.Status.values)
    assert not Findings.objects.filter(events__isnull=True).exists()
    round_up = Findings.objects.get(status=Findings.Status.AGREED)
    assert round_up.events.count() == 2
    assert SectionAnswer.objects.current().exclude(verdict="accurate").exists()
    assert SectionAnswer.objects.filter(is_late=True).exists()
    assert FindingsChange.objects.filter(because_of__isnull=False).exists()
    amending = Findings.objects.get(status=Findings.Status.AMENDING)
    assert amending.versions.count() == 2
    shared = Findings.objects.get(status=Findings.Status.SHARED)
    assert shared.agreed_version.sections.exists()


def test_the_demo_panel_user_has_findings_to_check(demo_data):
    panel = get_user_model().objects.get(username="panel").focus_group_membership
    assert [request.version.findings.status for request in findings_to_check(member=panel)] == [
        Findings.Status.WITH_FOCUS_GROUP
    ]
    assert not SenseCheckRequest.objects.filter(member=panel, answers__isnull=False).exists()
