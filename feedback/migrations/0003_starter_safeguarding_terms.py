"""A starter list of words that suggest someone may be at risk or reporting a crime, on
top of the built-in patterns in feedback/text/safeguarding.py. Administrators edit the
list in the admin; a match only prompts a person to look. Words that are mostly used in
ordinary complaints ("knife crime", "grooming" of dogs, "gun" in "jumped the gun") are
left to the built-in patterns, which read them in context."""

from django.db import migrations

STARTER_TERMS = [
    "abused",
    "assaulted",
    "attacked me",
    "groomed",
    "hurt myself",
    "in danger",
    "raped",
    "scared to go home",
    "self-harm",
    "stabbed",
    "suicide",
    "threatened",
    "weapon",
]


def add_terms(apps, schema_editor):
    SafeguardingTerm = apps.get_model("feedback", "SafeguardingTerm")
    for phrase in STARTER_TERMS:
        SafeguardingTerm.objects.get_or_create(phrase=phrase)


class Migration(migrations.Migration):
    dependencies = [("feedback", "0002_race_action_plan_taxonomy")]

    operations = [migrations.RunPython(add_terms, migrations.RunPython.noop)]
