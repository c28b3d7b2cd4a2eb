import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from engagement.models import (
    AuditLogEntry,
    Community,
    Department,
    Heartbeat,
    Programme,
    PublicLanguage,
    StaffPreferences,
)

TEST_PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name", locale="en_GB")
    last_name = factory.Faker("last_name", locale="en_GB")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.police.uk")
    password = factory.django.Password(TEST_PASSWORD)

    @factory.post_generation
    def roles(user, create, extracted, **kwargs):
        if create and extracted:
            user.groups.set(Group.objects.filter(name__in=extracted))


class AuthenticatorFactory(factory.django.DjangoModelFactory):
    """An authenticator app set up for two-step sign-in."""

    class Meta:
        model = TOTPDevice

    user = factory.SubFactory(UserFactory)
    name = "Phone"
    confirmed = True


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Programme
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"Community engagement programme {n}")
    description = "Events across the force area."


class CommunityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Community
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"Community {n}")


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"Department {n}")


class AuditLogEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AuditLogEntry

    user = factory.SubFactory(UserFactory)
    action = AuditLogEntry.Action.VIEWED_LIST
    subject = "contacts"
    path = "/staff/contacts/"


class HeartbeatFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Heartbeat
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"job-{n}")
    at = factory.LazyFunction(timezone.now)


class StaffPreferencesFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StaffPreferences
        django_get_or_create = ["user"]

    user = factory.SubFactory(UserFactory)
    monthly_summary = True


class PublicLanguageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PublicLanguage
        django_get_or_create = ["code"]

    code = "so"
    is_enabled = True
