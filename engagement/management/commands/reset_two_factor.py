from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from engagement.accounts import two_factor_reset


class Command(BaseCommand):
    help = (
        "Remove a person's authenticator apps so that their next sign-in sets up a new "
        "one, for when the last Administrator has lost their phone. Written to the audit "
        "log; everyone else is reset from the staff accounts page."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"There is no account with the username {username!r}.")
        removed = two_factor_reset(user=user)
        self.stdout.write(
            f"Removed {removed} authenticator(s) for {username}. They set up a new one at "
            "their next sign-in: tell them to do it straight away."
        )
