import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command

from engagement.models import Community, Department, Programme
from engagement.roles import Role, roles_of
from feedback.models import KeyQuestion


@pytest.mark.django_db
def test_seed_demo_creates_a_user_per_role_and_a_programme(monkeypatch, capsys, rf, settings):
    settings.DEBUG = True
    monkeypatch.setenv("DEMO_PASSWORD", "a-demo-password-for-tests")
    call_command("seed_demo")
    output = capsys.readouterr().out
    assert "a-demo-password-for-tests" in output
    expected = {
        "coordinator": Role.COORDINATOR,
        "leader": Role.LEADER,
        "owner": Role.ACTION_OWNER,
        "panel": Role.FOCUS_GROUP_MEMBER,
        "admin": Role.ADMINISTRATOR,
    }
    for username, role in expected.items():
        user = authenticate(rf.get("/"), username=username, password="a-demo-password-for-tests")
        assert user is not None, username
        assert roles_of(user) == {role}
        assert username in output
    programme = Programme.objects.get()
    assert [
        question.workstream.slug for question in KeyQuestion.objects.for_programme(programme)
    ] == [
        "respect",
        "protect",
        "involve",
        "represent",
    ]
    assert Community.objects.count() >= 5
    assert (
        Department.objects.get(name="Training and Learning")
        .members.filter(username="owner")
        .exists()
    )


@pytest.mark.django_db
def test_seed_demo_is_safe_to_run_twice(settings):
    settings.DEBUG = True
    call_command("seed_demo")
    counts = (Programme.objects.count(), Community.objects.count(), Department.objects.count())
    call_command("seed_demo")
    assert counts == (
        Programme.objects.count(),
        Community.objects.count(),
        Department.objects.count(),
    )


@pytest.mark.django_db
def test_seed_demo_refuses_production_mode(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="for development"):
        call_command("seed_demo")
