"""The admin: importing the submodules registers every ModelAdmin with unfold's site."""

from . import (  # noqa: F401
    activity,
    agencies,
    catalog,
    collaborations,
    creators,
    imports,
    merge,
    metrics,
    notes,
    site,
    switchover,
    tokens,
    users,
    workspaces,
)
