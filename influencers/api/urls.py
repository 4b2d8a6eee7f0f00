from django.urls import path, re_path
from rest_framework.routers import SimpleRouter

from influencers.api import schema  # noqa: F401 - registers the OpenAPI auth extensions
from influencers.api.views import records
from influencers.api.views.base import ID_REGEX
from influencers.api.views.consent import ConsentView
from influencers.api.views.creators import CreatorViewSet
from influencers.api.views.imports import (
    ImportJobDetailView,
    ImportJobErrorsView,
    ImportJobListCreateView,
)
from influencers.api.views.me import MeView
from influencers.api.views.merges import CreatorMergeView, MergeSuggestionListView
from influencers.api.views.switchover import (
    AmazonLinkSettingsViewSet,
    InvitationViewSet,
    PlanPreviewCSVView,
    ScoringWeightsViewSet,
    SwitchoverPlanViewSet,
)

router = SimpleRouter(trailing_slash=True)
router.register("creators", CreatorViewSet, basename="creator")
router.register("notes", records.NoteViewSet, basename="note")
router.register("collaborations", records.CollaborationViewSet, basename="collaboration")
router.register("content-posts", records.ContentPostViewSet, basename="contentpost")
router.register("metric-snapshots", records.MetricSnapshotViewSet, basename="metricsnapshot")
router.register("products", records.ProductViewSet, basename="product")
router.register("campaigns", records.CampaignViewSet, basename="campaign")
router.register("tags", records.TagViewSet, basename="tag")
router.register("agencies", records.AgencyViewSet, basename="agency")
router.register("members", records.MemberViewSet, basename="member")
router.register("activity", records.ActivityViewSet, basename="activity")
router.register("switchover-plans", SwitchoverPlanViewSet, basename="switchoverplan")
router.register("invitations", InvitationViewSet, basename="invitation")

SINGLETON = {"get": "retrieve", "put": "update", "patch": "partial_update"}

app_name = "api"
urlpatterns = [
    path("me/", MeView.as_view(), name="me"),
    path("consent/", ConsentView.as_view(), name="consent"),
    re_path(
        rf"^creators/(?P<pk>{ID_REGEX})/merge/$", CreatorMergeView.as_view(), name="creator-merge"
    ),
    path("merge-suggestions/", MergeSuggestionListView.as_view(), name="merge-suggestions"),
    path("imports/", ImportJobListCreateView.as_view(), name="import-list"),
    path("imports/<int:pk>/", ImportJobDetailView.as_view(), name="import-detail"),
    path("imports/<int:pk>/errors.csv", ImportJobErrorsView.as_view(), name="import-errors"),
    path(
        "switchover-plans/<int:pk>/preview.csv",
        PlanPreviewCSVView.as_view(),
        name="switchoverplan-preview-csv",
    ),
    path(
        "amazon-link-settings/",
        AmazonLinkSettingsViewSet.as_view(SINGLETON),
        name="amazon-link-settings",
    ),
    path("scoring-weights/", ScoringWeightsViewSet.as_view(SINGLETON), name="scoring-weights"),
    *router.urls,
]
