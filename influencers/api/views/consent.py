"""POST /api/v1/consent/: record consent (or a refusal) for several creators, with its source."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, serializers
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from influencers import policy
from influencers.api.serializers.base import StrictSerializer
from influencers.models import Creator
from influencers.services.consent import MAX_SOURCE, creators_record_consent

from .base import WorkspaceAPIMixin

MAX_CREATORS = 1000


class ConsentInputSerializer(StrictSerializer):
    creators = serializers.ListField(
        child=serializers.IntegerField(min_value=1), min_length=1, max_length=MAX_CREATORS
    )
    consent = serializers.BooleanField(help_text=_("true: consented; false: said no."))
    source = serializers.CharField(
        max_length=MAX_SOURCE,
        help_text=_('Where the creator said so, e.g. "TikTok DM, 2026-12-01".'),
    )


class ConsentResultSerializer(serializers.Serializer):
    changed = serializers.ListField(child=serializers.IntegerField())
    unchanged = serializers.ListField(child=serializers.IntegerField())


class ConsentView(WorkspaceAPIMixin, GenericAPIView):
    action = "consent"
    required_actions = {"consent": policy.Action.CHANGE}
    serializer_class = ConsentInputSerializer
    pagination_class = None
    filter_backends = []
    queryset = Creator.objects.none()

    @extend_schema(
        operation_id="creators_record_consent",
        summary="Record consent (or a refusal) for creators, with where it came from",
        description=str(
            _(
                "Each creator whose consent or source changes gets the source, the time and an "
                "activity event; their email addresses follow (consented, or withdrawn). "
                "Creators not in this workspace are refused, nothing is written."
            )
        ),
        request=ConsentInputSerializer,
        responses={200: ConsentResultSerializer},
    )
    def post(self, request):
        body = ConsentInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        wanted = sorted(set(body.validated_data["creators"]))
        known = set(
            Creator.objects.filter(workspace=self.workspace, pk__in=wanted).values_list(
                "pk", flat=True
            )
        )
        missing = [i for i in wanted if i not in known]
        if missing:
            raise exceptions.ValidationError(
                {
                    "creators": [
                        _("No such creator in this workspace: %(ids)s.")
                        % {"ids": ", ".join(str(i) for i in missing[:20])}
                    ]
                }
            )
        changed = creators_record_consent(
            workspace=self.workspace,
            actor=request.user,
            creator_ids=wanted,
            consent=body.validated_data["consent"],
            source=body.validated_data["source"],
        )
        done = set(changed)
        return Response({"changed": changed, "unchanged": [i for i in wanted if i not in done]})
