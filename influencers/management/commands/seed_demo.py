import time

from django.core.management.base import BaseCommand, CommandError

from influencers.demo import data
from influencers.demo.builder import seed_demo


class Command(BaseCommand):
    help = (
        "Load the demo pool: a 'Demo Brand' workspace (320 creators by default, with roll-ups, "
        "readiness scores and a draft switch-over plan to preview) and a small 'Second Brand'. "
        "Deterministic, and safe to run again: seeded workspaces are skipped."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--workspace-slug",
            default=data.DEMO_SLUG,
            help="Slug of the main demo workspace (default: demo). Second Brand is always added.",
        )
        parser.add_argument(
            "--creators", type=int, default=320, help="Creators in the main workspace."
        )

    def handle(self, *args, workspace_slug, creators, **options):
        if creators < 1:
            raise CommandError("--creators must be at least 1.")
        started = time.perf_counter()
        reports = seed_demo(slug=workspace_slug, creators=creators)
        elapsed = time.perf_counter() - started
        for report in reports:
            counts = ", ".join(f"{n} {name.replace('_', ' ')}" for name, n in report.counts.items())
            if report.created:
                self.stdout.write(self.style.SUCCESS(f"Seeded {report.name} ({report.slug})"))
                self.stdout.write(f"  {counts}")
                self.stdout.write(f"  digest {report.digest}")
            else:
                self.stdout.write(
                    f"{report.name} ({report.slug}) already seeded "
                    f"({report.counts['creators']} creators): nothing to do."
                )
        self.stdout.write(f"Done in {elapsed:.1f} s.")
