from .activity import ActivityEvent
from .agency import Agency
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
from .imports import (
    ImportIssue,
    ImportJob,
    ImportKind,
    ImportPolicy,
    ImportRecordKey,
    ImportState,
)
from .merges import CreatorMerge
from .metrics import COUNT_FIELDS, AppendOnlyError, MetricSnapshot
from .notes import Note
from .pool_counts import PoolDailyCount
from .readiness import CreatorReadiness
from .saved_views import SavedView
from .switchover import (
    AmazonLinkSettings,
    Invitation,
    ScoringWeights,
    SwitchoverMessage,
    SwitchoverPlan,
)
from .tokens import ApiToken, hash_token_secret
from .workspace import Membership, Workspace

__all__ = [
    "ActivityEvent",
    "Agency",
    "ApiToken",
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
    "ImportIssue",
    "ImportJob",
    "ImportKind",
    "ImportPolicy",
    "ImportRecordKey",
    "ImportState",
    "CreatorMerge",
    "CreatorReadiness",
    "PoolDailyCount",
    "SavedView",
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
    "hash_token_secret",
    "AmazonLinkSettings",
    "Invitation",
    "ScoringWeights",
    "SwitchoverMessage",
    "SwitchoverPlan",
]
