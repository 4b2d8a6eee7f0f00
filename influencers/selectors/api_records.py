"""Reads behind the smaller API resources: each owns its select_related/prefetch so a page
costs the same number of queries whatever its size."""

from django.db.models import Model, QuerySet

from influencers.models import (
    ActivityEvent,
    Collaboration,
    ContentPost,
    Creator,
    Membership,
    Note,
)


def records_for_workspace(*, model: type[Model], workspace) -> QuerySet:
    return model.objects.filter(workspace=workspace).order_by(*model._meta.ordering, "-pk")


def notes_for_workspace(*, workspace) -> QuerySet[Note]:
    return Note.objects.filter(workspace=workspace).order_by("-occurred_at", "-pk")


def collaborations_for_workspace(*, workspace) -> QuerySet[Collaboration]:
    return (
        Collaboration.objects.filter(workspace=workspace)
        .prefetch_related("products")
        .order_by("-created_at", "-pk")
    )


def members_for_workspace(*, workspace) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(workspace=workspace)
        .select_related("user")
        .order_by("user__username", "pk")
    )


def activity_for_workspace(*, workspace) -> QuerySet[ActivityEvent]:
    return ActivityEvent.objects.filter(workspace=workspace).select_related("target_type")


def metric_targets(
    *, workspace, creator_ids, collaboration_ids, post_ids
) -> tuple[dict, dict, dict]:
    """The creators, collaborations and posts of `workspace` among these ids (3 queries);
    ids of other workspaces are simply absent."""
    creators = Creator.objects.filter(workspace=workspace, pk__in=set(creator_ids)).only(
        "pk", "workspace_id"
    )
    collaborations = Collaboration.objects.filter(
        workspace=workspace, pk__in=set(collaboration_ids)
    ).only("pk", "creator_id")
    posts = ContentPost.objects.filter(workspace=workspace, pk__in=set(post_ids)).only(
        "pk", "creator_id"
    )
    return (
        {c.pk: c for c in creators} if creator_ids else {},
        {c.pk: c for c in collaborations} if collaboration_ids else {},
        {p.pk: p for p in posts} if post_ids else {},
    )
