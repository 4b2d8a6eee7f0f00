from .activity import ActivityEvent
from .base import Currency, TimeStampedModel, WorkspaceOwnedModel
from .collaboration import Collaboration, CollaborationStatus, CollaborationType, ContentPost
from .commerce import Campaign, Marketplace, Product
from .creator import (
    ContactMethod,
    Creator,
    CreatorStatus,
    Platform,
    PlatformAccount,
    Tag,
    TikTokShopStatus,
)
from .metrics import COUNT_FIELDS, AppendOnlyError, MetricSnapshot
from .notes import Note
from .workspace import Membership, Workspace

__all__ = [
    "ActivityEvent",
    "AppendOnlyError",
    "COUNT_FIELDS",
    "Campaign",
    "Collaboration",
    "CollaborationStatus",
    "CollaborationType",
    "ContactMethod",
    "ContentPost",
    "Creator",
    "CreatorStatus",
    "Currency",
    "Marketplace",
    "Membership",
    "MetricSnapshot",
    "Note",
    "Platform",
    "PlatformAccount",
    "Product",
    "Tag",
    "TikTokShopStatus",
    "TimeStampedModel",
    "Workspace",
    "WorkspaceOwnedModel",
]
