"""Unlocking a member whose sign-in was paused after too many wrong passwords (django-axes)."""

from __future__ import annotations

from axes.utils import reset

from influencers import policy


def signin_unlock(*, workspace, actor, usernames) -> int:
    """Owners unlock their members: the failed attempts recorded for these usernames (and the
    address block they caused) are cleared. Returns how many attempt records were removed."""
    policy.require(actor, workspace, policy.Action.MANAGE)
    return sum(reset(username=name) for name in usernames)
