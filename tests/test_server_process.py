"""A serving process settles once at start: every view imported, then the startup objects
frozen out of the garbage collector (config.server_process)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

PROBE = """
import gc, sys
before = gc.get_freeze_count()
import config.{entry}
print(before, gc.get_freeze_count(), "influencers.api.views.creators" in sys.modules)
"""


@pytest.mark.parametrize("entry", ["wsgi", "asgi"])
def test_the_server_entry_point_loads_every_view_then_freezes_them(entry):
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="config.settings.test")
    out = subprocess.run(
        [sys.executable, "-c", PROBE.format(entry=entry)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout.split()
    before, after, views_loaded = int(out[0]), int(out[1]), out[2]
    # Django, DRF, the admin and our modules: hundreds of thousands of objects, not a few
    # (the interpreter may have frozen a few hundred of its own before).
    assert after - before > 100_000
    # The API's views were imported before the freeze (by the URLconf), not on a request.
    assert views_loaded == "True"
