from django.db.models import Q

from influencers.models import SavedView


def saved_views_for(*, workspace, user):
    """The member's own views and those shared with the workspace, by name."""
    if workspace is None:
        return SavedView.objects.none()
    return (
        SavedView.objects.filter(workspace=workspace)
        .filter(Q(user=user) | Q(shared=True))
        .select_related("user")
        .order_by("name", "pk")
    )
