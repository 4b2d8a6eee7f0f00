from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from influencers.models import Workspace
from influencers.services.tokens import api_token_create


class Command(BaseCommand):
    help = "Create a personal API token for USERNAME in a workspace; prints the token once."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--workspace", required=True, help="workspace slug")
        parser.add_argument("--name", default="", help="a name to tell tokens apart")

    def handle(self, *args, username, workspace, name, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user named {username!r}.")
        ws = Workspace.objects.filter(slug=workspace).first()
        if ws is None:
            raise CommandError(f"No workspace with slug {workspace!r}.")
        try:
            token, raw = api_token_create(user=user, workspace=ws, name=name)
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        self.stderr.write(
            f"Token {token.prefix}… for {username} in {ws.slug}. It is shown only once; "
            "store it now."
        )
        self.stdout.write(raw)
