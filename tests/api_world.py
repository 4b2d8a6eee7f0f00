"""One of every record in a workspace, for the API matrix and isolation tests."""

from types import SimpleNamespace

from influencers.models import ActivityEvent
from tests import factories as f


def build_world(workspace, suffix=""):
    creator = f.CreatorFactory(workspace=workspace, display_name=f"Lena {suffix}")
    f.PlatformAccountFactory(creator=creator, handle=f"@lena{suffix}")
    f.ContactMethodFactory(creator=creator, value=f"lena{suffix}@example.com")
    tag = f.TagFactory(workspace=workspace, name=f"beauty{suffix}")
    creator.tags.add(tag)
    product = f.ProductFactory(workspace=workspace)
    campaign = f.CampaignFactory(workspace=workspace)
    collaboration = f.CollaborationFactory(creator=creator, campaign=campaign)
    post = f.ContentPostFactory(creator=creator, collaboration=collaboration)
    note = f.NoteFactory(creator=creator)
    snapshot = f.MetricSnapshotFactory(creator=creator, collaboration=collaboration, post=post)
    event = ActivityEvent.objects.create(workspace=workspace, verb="note.added", creator=creator)
    member = workspace.memberships.first()
    return SimpleNamespace(
        creator=creator,
        tag=tag,
        product=product,
        campaign=campaign,
        collaboration=collaboration,
        post=post,
        note=note,
        snapshot=snapshot,
        event=event,
        member=member,
    )
