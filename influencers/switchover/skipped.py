"""Who a launch left out, and why: kept on the plan (SwitchoverPlan.launch_report) so its
dashboard can say it without re-rendering the whole pool.

Two sources: creators the launch query never reads (no consent, nobody to write to: counted in
SQL) and creators it read but could not prepare (no tracking ID, no product in their
marketplace, template error: counted as they are met). Problems are kept as codes and put in
words when shown, in the reader's language."""

from __future__ import annotations

from django.utils import timezone

from .selection import Prepared, held_back_querysets

EXAMPLES = 50


class SkipReport:
    def __init__(self):
        self.problems: dict[str, int] = {}
        self.examples: list[dict] = []

    def add(self, prepared: Prepared) -> None:
        for code in prepared.problems:
            self.problems[code] = self.problems.get(code, 0) + 1
        if len(self.examples) < EXAMPLES:
            self.examples.append(
                {
                    "creator": prepared.creator_id,
                    "name": prepared.name,
                    "problems": prepared.problems,
                }
            )

    def add_held_back(self, plan) -> None:
        """The creators filtered out in SQL: one count and a few names per reason."""
        for code, queryset in held_back_querysets(plan).items():
            n = queryset.count()
            if not n:
                continue
            self.problems[code] = self.problems.get(code, 0) + n
            room = EXAMPLES - len(self.examples)
            if room > 0:
                for pk, name in queryset.values_list("pk", "display_name")[: min(room, 20)]:
                    self.examples.append({"creator": pk, "name": name, "problems": [code]})

    def as_json(self) -> dict:
        return {
            "at": timezone.now().isoformat(),
            "problems": self.problems,
            "examples": self.examples,
        }
