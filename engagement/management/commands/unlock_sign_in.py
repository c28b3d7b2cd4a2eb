from django.core.management.base import BaseCommand

from engagement.accounts import locked_usernames, sign_in_unlock


class Command(BaseCommand):
    help = (
        "Let a locked-out username sign in again now, for when no Administrator can reach "
        "the staff accounts page. Written to the audit log."
    )

    def add_arguments(self, parser):
        parser.add_argument("username", nargs="?", help="The username to unlock.")
        parser.add_argument("--list", action="store_true", help="List locked usernames.")

    def handle(self, *args, username=None, list=False, **options):
        if list or not username:
            locked = locked_usernames()
            if not locked:
                self.stdout.write("No username is locked.")
            for name, until in sorted(locked.items()):
                self.stdout.write(f"{name}\tlocked until {until:%Y-%m-%d %H:%M}")
            return
        sign_in_unlock(username=username)
        self.stdout.write(f"{username} can sign in again now.")
