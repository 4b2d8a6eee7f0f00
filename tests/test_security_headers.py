"""Security headers (issue 14, item 3): a Content-Security-Policy on every page (admin, API
docs, the creator's answer page), a Permissions-Policy, and `Cache-Control: no-store` on API
responses, which carry personal data."""

import re
from pathlib import Path

import pytest
import unfold
from django.conf import settings
from django.contrib.staticfiles import finders
from django.urls import reverse

from tests.factories import CreatorFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def csp(response) -> dict[str, str]:
    header = response["Content-Security-Policy"]
    return {
        part.split()[0]: " ".join(part.split()[1:]) for part in header.split(";") if part.strip()
    }


@pytest.mark.parametrize(
    "url",
    ["/admin/login/", "/api/docs/", "/api/redoc/", "/answer/tampered-token/"],
)
def test_public_pages_carry_the_policy(client, url):
    response = client.get(url)
    policy = csp(response)
    assert policy["default-src"] == "'self'"
    assert policy["object-src"] == "'none'" and policy["frame-ancestors"] == "'none'"
    assert "http" not in policy["script-src"]  # no script from another origin
    assert "'unsafe-inline'" not in policy["script-src"]  # and no inline script at all
    html = response.content.decode()
    # Every <script> on the page loads a file (or is JSON data, which never runs).
    for tag in re.findall(r"<script\b[^>]*>", html):
        assert "src=" in tag or 'type="application/json"' in tag, tag
    assert "camera=()" in response["Permissions-Policy"]


def test_admin_pages_carry_the_policy(client, workspace):
    user = UserFactory(is_staff=True)
    MembershipFactory(workspace=workspace, user=user, role="owner")
    client.force_login(user)
    for url in (reverse("admin:index"), reverse("admin:influencers_creator_changelist")):
        response = client.get(url)
        assert response.status_code == 200
        assert csp(response)["form-action"] == "'self'"
        assert "geolocation=()" in response["Permissions-Policy"]


def test_api_responses_are_never_cached(workspace, api):
    creator = CreatorFactory(workspace=workspace)
    for url in ("/api/v1/creators/", f"/api/v1/creators/{creator.pk}/", "/api/v1/me/"):
        response = api.get(url)
        assert response.status_code == 200
        assert response["Cache-Control"] == "no-store"
    assert api.get("/api/v1/creators/?format=csv")["Cache-Control"] == "no-store"


def test_no_page_may_evaluate_strings_as_script(client):
    policy = csp(client.get("/admin/login/"))
    assert policy["script-src"] == "'self'"  # neither 'unsafe-inline' nor 'unsafe-eval'


def alpine_version(path: str) -> tuple[int, int]:
    text = Path(path).read_text()
    major, minor = re.search(r'version:"(\d+)\.(\d+)\.\d+"', text).groups()
    return int(major), int(minor)


def test_the_admin_theme_gets_alpines_csp_build_of_the_version_it_ships():
    """unfold/js/alpine/alpine.js resolves to our copy of Alpine's CSP build (the stock build
    needs 'unsafe-eval'); after an unfold upgrade that moves Alpine on, this fails until the
    CSP build is updated to match (docs/dependencies.md)."""
    served = finders.find("unfold/js/alpine/alpine.js")
    assert Path(served).is_relative_to(settings.BASE_DIR / "influencers" / "theme_static")
    assert "CSP Parser Error" in Path(served).read_text()  # the build with its own parser
    unfolds = Path(unfold.__file__).parent / "static" / "unfold" / "js" / "alpine" / "alpine.js"
    assert alpine_version(served) == alpine_version(unfolds)
