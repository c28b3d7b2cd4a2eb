"""A starter list of words that suggest someone may be at risk or reporting a crime.
Administrators edit the list in the admin; a match only prompts a person to look."""

from django.db import migrations

STARTER_TERMS = [
    "abused",
    "assaulted",
    "attacked me",
    "being followed",
    "groomed",
    "grooming",
    "gun",
    "hurt myself",
    "in danger",
    "kill",
    "knife",
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
