"""The four kinds of lay observation most forces offer. Administrators add others, and
make these inactive if their force does not offer them, in the admin."""

from django.db import migrations

STANDARD_KINDS = [
    (
        "Custody suite visit",
        "See where people are taken after an arrest: how they are booked in, looked "
        "after and kept safe, and what their rights are. Officers explain each step.",
    ),
    (
        "Ride-along",
        "Spend part of a shift in a police car with response or neighbourhood officers, "
        "seeing the calls they go to and how they deal with them.",
    ),
    (
        "Stop and search scrutiny panel",
        "Sit with the community panel that looks at records and body-worn video of stops "
        "and searches, and hear how the force answers its questions.",
    ),
    (
        "Control room visit",
        "See how 999 and 101 calls are answered, how officers are sent, and how the "
        "control room decides what comes first.",
    ),
]


def add_standard_kinds(apps, schema_editor):
    ObservationKind = apps.get_model("contacts", "ObservationKind")
    for name, description in STANDARD_KINDS:
        ObservationKind.objects.get_or_create(name=name, defaults={"description": description})


class Migration(migrations.Migration):
    dependencies = [("contacts", "0003_lay_observation")]

    operations = [migrations.RunPython(add_standard_kinds, migrations.RunPython.noop)]
