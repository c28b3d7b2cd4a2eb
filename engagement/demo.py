"""Demo data for the core: communities, departments, a programme and one user per role."""

from django.db import transaction

from engagement.models import Community, Department, Programme
from engagement.roles import Role
from engagement.services import user_create_with_roles

DEFAULT_DEMO_PASSWORD = "community-voice-demo"

DEMO_USERS = [
    ("coordinator", "Amara", "Okafor", Role.COORDINATOR),
    ("leader", "David", "Hughes", Role.LEADER),
    ("owner", "Priya", "Shah", Role.ACTION_OWNER),
    ("panel", "Marcus", "Campbell", Role.FOCUS_GROUP_MEMBER),
    ("admin", "Helen", "Wright", Role.ADMINISTRATOR),
]

COMMUNITIES = [
    ("Black African communities", "Including Nigerian, Ghanaian and Eritrean residents."),
    ("Somali communities", "Somali residents, many of them families who came in the 1990s."),
    ("Black Caribbean communities", "Including Windrush-generation families and their children."),
    ("Young people (16–24)", "Young people from every background across the force area."),
    ("South Asian Muslim communities", "Including Pakistani and Bangladeshi heritage residents."),
    ("Gypsy, Roma and Traveller communities", "Including people living on sites and in housing."),
    ("Mixed heritage communities", "People of mixed ethnic heritage and their families."),
]

DEPARTMENTS = [
    ("Training and Learning", "training@example.police.uk"),
    ("Professional Standards", "professional.standards@example.police.uk"),
    ("Neighbourhood Policing", "neighbourhoods@example.police.uk"),
    ("Stop and Search Scrutiny", "stop.search@example.police.uk"),
    ("People and Recruitment", "recruitment@example.police.uk"),
    ("Digital Services", "digital@example.police.uk"),
    ("Custody", "custody@example.police.uk"),
    ("Corporate Communications", "communications@example.police.uk"),
]

PROGRAMME_NAME = "Police Race Action Plan community engagement 2026–27"
PROGRAMME_DESCRIPTION = (
    "A year of community events across the force area, each focused on one community, "
    "asking how the police can better respect, protect, involve and represent them. "
    "Findings are sense-checked by a volunteer focus group and turned into You Said, We Did "
    "actions."
)


@transaction.atomic
def seed(*, password: str) -> None:
    for name, description in COMMUNITIES:
        Community.objects.get_or_create(name=name, defaults={"description": description})
    departments = {}
    for name, email in DEPARTMENTS:
        departments[name], _created = Department.objects.get_or_create(
            name=name, defaults={"email": email}
        )

    Programme.objects.get_or_create(
        name=PROGRAMME_NAME, defaults={"description": PROGRAMME_DESCRIPTION}
    )

    for username, first_name, last_name, role in DEMO_USERS:
        user = user_create_with_roles(
            username=username,
            password=password,
            roles=[role],
            email=f"{username}@example.police.uk",
            first_name=first_name,
            last_name=last_name,
        )
        if role == Role.ACTION_OWNER:
            departments["Training and Learning"].members.add(user)
