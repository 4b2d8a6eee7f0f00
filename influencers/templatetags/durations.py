"""Durations in words a person reads ("15"), not "0:15:00"."""

from django import template

register = template.Library()


@register.filter
def minutes(delta) -> int:
    """Whole minutes of a timedelta, rounded up (a lockout of 14:30 left reads as 15)."""
    if delta is None:
        return 0
    seconds = int(delta.total_seconds())
    return max(1, -(-seconds // 60))
