import getpass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from engagement.roles import Role
from engagement.services import user_create_with_roles

PASSWORD_TRIES = 3


class Command(BaseCommand):
    help = (
        "Create an Administrator account, such as the very first one after installing. "
        "It asks for the password. The account is not a superuser: it can do what the "
        "Administrator role allows, and its first sign-in sets up two-step sign-in."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--email", default="", help="Their work email address.")

    def handle(self, *args, username, email, **options):
        User = get_user_model()
        if User.objects.filter(username=username).exists():
            raise CommandError(
                f"There is already an account called {username}. An Administrator can "
                "give it the Administrator role in /admin/."
            )
        if not Group.objects.filter(name=Role.ADMINISTRATOR).exists():
            raise CommandError("The roles are not set up yet: run manage.py migrate first.")
        password = self._ask_for_password(User(username=username, email=email))
        user_create_with_roles(
            username=username, password=password, roles=[Role.ADMINISTRATOR], email=email
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"{username} is an Administrator. Sign in at /accounts/login/; the first "
                "sign-in sets up two-step sign-in."
            )
        )

    def _ask_for_password(self, user) -> str:
        for _ in range(PASSWORD_TRIES):
            password = getpass.getpass("Password: ")
            if getpass.getpass("Password again: ") != password:
                self.stderr.write("The two passwords are not the same. Try again.")
                continue
            try:
                validate_password(password, user=user)
            except ValidationError as error:
                self.stderr.write(" ".join(error.messages))
                continue
            return password
        raise CommandError("No account was made: no password was set.")
