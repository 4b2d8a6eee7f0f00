from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from influencers.api.serializers.records import MeSerializer
from influencers.models import ApiToken

from .base import WorkspaceAPIMixin


class MeView(WorkspaceAPIMixin, APIView):
    """Who the caller is, in which workspace, with which role."""

    @extend_schema(
        summary="The caller, the workspace in scope and the caller's role", responses=MeSerializer
    )
    def get(self, request):
        token = request.auth if isinstance(request.auth, ApiToken) else None
        data = {
            "user": request.user,
            "workspace": self.workspace,
            "role": self.role,
            "token": token.prefix if token else None,
        }
        return Response(MeSerializer(data).data)
