import pytest
from django.core.mail import send_mail

from engagement.tests.smtp import text_of


@pytest.mark.services
def test_emails_reach_the_real_smtp_server(smtp_server):
    send_mail("Hello", "Plain words.", "from@example.org", ["someone@example.org"])
    (message,) = smtp_server.wait_for(1)
    assert message["Subject"] == "Hello"
    assert "Plain words." in text_of(message)
