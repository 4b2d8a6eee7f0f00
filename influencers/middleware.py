from django.utils.functional import SimpleLazyObject

from influencers.selectors.workspaces import current_workspace_for_request


class CurrentWorkspaceMiddleware:
    """Puts `request.workspace` on every request: the workspace the admin is scoped to.

    Resolved lazily so requests that never look at it (static files, the API with its own
    token-based workspace) pay nothing.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.workspace = SimpleLazyObject(lambda: current_workspace_for_request(request))
        return self.get_response(request)


class SecurityHeadersMiddleware:
    """Headers Django does not set itself: a Permissions-Policy that turns off browser features
    the product never uses, and `Cache-Control: no-store` on API responses, which carry
    personal data that no browser or proxy cache should keep."""

    PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", self.PERMISSIONS_POLICY)
        if request.path.startswith("/api/"):
            response["Cache-Control"] = "no-store"
        return response
