"""A creator's search keys: its handles and email addresses on its own row, for the search
walk (migration 0035 adds the two columns and the triggers that keep them; influencers.
selectors.creator_search.SearchKeys reads them).

The triggers are the definition; an import fills the keys of the creators it creates in
the same COPY (creator_keys below, the same format), so the triggers that run when their
accounts and addresses arrive find nothing to change and rewrite no creator row: rewritten,
each row updated its ~20 indexes again (a 100,000-row import 34 -> 55 s)."""

from collections.abc import Iterable

# Not model fields: no form, serializer, export or history row carries them.
COLUMNS = ("search_handles", "search_emails")


def creator_keys(values: Iterable[str]) -> str:
    """' a b ' for values a, b (sorted, each between spaces); '' for none: what the
    triggers write."""
    ordered = sorted(values)
    return " " + " ".join(ordered) + " " if ordered else ""
