"""Outbox messages get random ids, so that their order says nothing about when each
was queued, and a mark for messages about an anonymous form.

PostgreSQL cannot turn a bigint into a UUID, and nothing has been deployed yet, so the
table is made again rather than altered. Nothing points to it."""

import uuid

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("engagement", "0005_scheduler_heartbeat"),
        ("events", "0002_attendees_and_consent"),
    ]

    operations = [
        migrations.DeleteModel(name="OutboxMessage"),
        migrations.CreateModel(
            name="OutboxMessage",
            fields=[
                (
                    "id",
                    models.UUIDField(
                        default=uuid.uuid4, editable=False, primary_key=True, serialize=False
                    ),
                ),
                ("dedupe_key", models.CharField(max_length=200, unique=True)),
                (
                    "consent_purpose",
                    models.CharField(
                        blank=True,
                        help_text="The consent the recipient must hold when it is sent; empty for replies.",
                        max_length=40,
                    ),
                ),
                (
                    "attendee",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="messages",
                        to="events.attendee",
                    ),
                ),
                ("to_address", models.EmailField(max_length=254)),
                ("subject", models.CharField(max_length=250)),
                ("body_text", models.TextField()),
                ("body_html", models.TextField(blank=True)),
                ("attachment_name", models.CharField(blank=True, max_length=100)),
                ("attachment_mimetype", models.CharField(blank=True, max_length=100)),
                ("attachment_content", models.TextField(blank=True)),
                ("message_id", models.CharField(max_length=200, unique=True)),
                ("unsubscribe_url", models.URLField(blank=True, max_length=500)),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("queued", "Queued"),
                            ("sending", "Sending"),
                            ("sent", "Sent"),
                            ("failed", "Failed"),
                            ("cancelled", "Cancelled"),
                        ],
                        default="queued",
                        max_length=20,
                    ),
                ),
                ("attempts", models.PositiveSmallIntegerField(default=0)),
                ("last_error", models.TextField(blank=True)),
                ("next_attempt_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("claimed_at", models.DateTimeField(blank=True, null=True)),
                ("sent_at", models.DateTimeField(blank=True, null=True)),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("from_anonymous_form", models.BooleanField(default=False)),
            ],
            options={
                "verbose_name": "outbox message",
                "verbose_name_plural": "outbox messages",
                "ordering": ["-created_at"],
                "indexes": [
                    models.Index(
                        fields=["status", "next_attempt_at"], name="engagement__status_aab36e_idx"
                    ),
                    models.Index(
                        condition=models.Q(("from_anonymous_form", True)),
                        fields=["status"],
                        name="outbox_anonymous_form_status",
                    ),
                ],
            },
        ),
    ]
