from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from influencers.demo import data
from influencers.models import Membership, Workspace

Role = Membership.Role


class Command(BaseCommand):
    help = (
        "Local/demo only: ensure the logins admin/admin (superuser, owner of the demo "
        "workspaces) and member/member (staff, member of Demo Brand only). Refuses to run "
        "when DEBUG is off unless --force is given."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run even though DEBUG is off (never on a server reachable by others).",
        )
        parser.add_argument(
            "--reset-passwords",
            action="store_true",
            help="Set the passwords back to admin/member if the users already exist.",
        )

    def handle(self, *args, force, reset_passwords, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "ensure_local_admin creates users with well-known passwords, so it only runs "
                "with DEBUG on. Use --force on a throwaway machine."
            )
        with transaction.atomic():
            # The workspaces may not be seeded yet: create them empty (seed_demo fills an
            # empty workspace), so the order of the two commands does not matter.
            demo, _ = Workspace.objects.get_or_create(
                slug=data.DEMO_SLUG, defaults={"name": data.DEMO_NAME}
            )
            second, _ = Workspace.objects.get_or_create(
                slug=data.SECOND_SLUG, defaults={"name": data.SECOND_NAME}
            )
            admin = self._user("admin", superuser=True, reset=reset_passwords)
            member = self._user("member", superuser=False, reset=reset_passwords)
            for workspace in (demo, second):
                self._membership(workspace, admin, Role.OWNER)
            self._membership(demo, member, Role.MEMBER)
        self.stdout.write(self.style.SUCCESS("Login: admin / admin"))
        self.stdout.write(f"  superuser, owner of {demo.name} and {second.name}")
        self.stdout.write(self.style.SUCCESS("Login: member / member"))
        self.stdout.write(f"  staff, member of {demo.name} only (workspace scoping)")

    def _user(self, username: str, *, superuser: bool, reset: bool):
        user_model = get_user_model()
        user, created = user_model.objects.get_or_create(
            username=username, defaults={"email": f"{username}@localhost"}
        )
        flags = {"is_active": True, "is_staff": True, "is_superuser": superuser}
        changed = [name for name, value in flags.items() if getattr(user, name) != value]
        for name in changed:
            setattr(user, name, flags[name])
        if created or reset:
            user.set_password(username)
            changed.append("password")
        elif not user.check_password(username):
            self.stderr.write(
                self.style.WARNING(
                    f"User {username!r} exists with another password; left unchanged "
                    "(--reset-passwords sets it back)."
                )
            )
        if changed:
            user.save(update_fields=changed)
        return user

    def _membership(self, workspace, user, role: str) -> None:
        membership, created = Membership.objects.get_or_create(
            workspace=workspace, user=user, defaults={"role": role}
        )
        if not created and membership.role != role:
            membership.role = role
            membership.save(update_fields=["role", "updated_at"])
