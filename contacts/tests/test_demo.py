import pytest
from django.core.management import call_command

from contacts.models import Attendance, Attendee, ConsentPurpose, ConsentRecord, PendingSignUp


@pytest.mark.django_db
def test_demo_data_has_a_few_hundred_contacts_with_varied_consents(settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=None)
    assert Attendee.objects.count() >= 200
    assert Attendee.objects.opted_in_for_updates().count() >= 100
    assert PendingSignUp.objects.exists()
    assert ConsentRecord.objects.filter(withdrawn_at__isnull=False).exists()
    assert Attendee.objects.with_live_consent(ConsentPurpose.FOCUS_GROUP).exists()
    assert Attendee.objects.with_live_consent(ConsentPurpose.DEMOGRAPHIC_DATA).exists()
    assert Attendance.objects.count() >= 100
    count = Attendee.objects.count()
    call_command("seed_demo", stdout=None)
    assert Attendee.objects.count() == count
