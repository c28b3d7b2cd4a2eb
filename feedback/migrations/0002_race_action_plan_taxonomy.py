"""Creates the four Police Race Action Plan workstreams, their key questions and a
starter list of topics. All of them can be edited in the admin afterwards."""

from django.db import migrations

WORKSTREAMS = [
    (
        "respect",
        "Respect",
        "How can the police better respect this community?",
        "For example how officers speak to people, and how complaints are handled.",
    ),
    (
        "protect",
        "Protect",
        "How can the police better protect this community?",
        "For example hate crime, safety in your area, and how quickly police respond.",
    ),
    (
        "involve",
        "Involve",
        "How can the police better involve this community?",
        "For example how you would like to be asked, told and listened to.",
    ),
    (
        "represent",
        "Represent",
        "How can the police better represent this community?",
        "For example who joins the police, and who gets promoted.",
    ),
]

TOPICS = [
    ("stop-and-search", "Stop and search", "stop and search\nstopped\nsearched\nstop search"),
    ("complaints", "Complaints", "complaint\ncomplain\nprofessional standards\nIOPC"),
    (
        "website-and-online-reporting",
        "Website and online reporting",
        "website\nonline\nreport online\napp\nform",
    ),
    (
        "neighbourhood-teams",
        "Neighbourhood teams",
        "neighbourhood\nPCSO\nbeat\npatrol\nlocal officer",
    ),
    ("hate-crime", "Hate crime", "hate crime\nracist\nracism\nabuse\nIslamophobia\nantisemitism"),
    (
        "cultural-awareness-and-training",
        "Cultural awareness and training",
        "training\ncultural\nawareness\nunderstand our culture\nfaith",
    ),
    (
        "recruitment-and-representation",
        "Recruitment and representation",
        "recruit\nrecruitment\njoin the police\nrepresentative\ndiverse\npromotion",
    ),
    ("custody", "Custody", "custody\ncell\narrested\ndetained"),
    ("use-of-force", "Use of force", "force\ntaser\nhandcuff\nrestraint\nheavy-handed"),
    ("young-people", "Young people", "young people\nyouth\nschool\nteenagers\nkids"),
]


def create_taxonomy(apps, schema_editor):
    Workstream = apps.get_model("feedback", "Workstream")
    KeyQuestion = apps.get_model("feedback", "KeyQuestion")
    Topic = apps.get_model("feedback", "Topic")
    for position, (slug, name, question, hint) in enumerate(WORKSTREAMS, start=1):
        workstream, _ = Workstream.objects.get_or_create(
            slug=slug, defaults={"name": name, "position": position}
        )
        KeyQuestion.objects.get_or_create(
            text=question, defaults={"workstream": workstream, "hint": hint}
        )
    for slug, name, keywords in TOPICS:
        Topic.objects.get_or_create(slug=slug, defaults={"name": name, "keywords": keywords})


class Migration(migrations.Migration):
    dependencies = [("feedback", "0001_initial")]

    operations = [migrations.RunPython(create_taxonomy, migrations.RunPython.noop)]
