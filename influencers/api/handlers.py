"""Django-level 404/500 for URLs under /api/: problem+json like every other API error."""

from django.utils.translation import gettext as _
from django.views import defaults

from influencers.api.errors import problem_response


def _is_api(request) -> bool:
    return request.path.startswith("/api/")


def not_found(request, exception=None):
    if _is_api(request):
        return problem_response(404, _("No such endpoint."), code="not_found")
    return defaults.page_not_found(request, exception)


def server_error(request):
    if _is_api(request):
        return problem_response(500, _("Something went wrong on our side."), code="error")
    return defaults.server_error(request)
