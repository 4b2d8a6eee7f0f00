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
