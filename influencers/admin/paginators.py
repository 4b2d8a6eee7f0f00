"""A list's count without counting a huge list: PostgreSQL's own estimate of the rows a query
returns (EXPLAIN), shown as an estimate, when that estimate is large; an exact COUNT when the
list is small enough to count quickly. At 1,000,000 creators an exact COUNT of the unfiltered
list costs more than the whole rest of the page."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.utils.functional import cached_property

from influencers.selectors.creator_search import SEARCH_SAMPLE
from influencers.selectors.estimates import estimated_rows

EXACT_BELOW = 20_000  # an estimate under this is counted exactly (a few ms)


COUNT_CAP = 1000


class EstimatedCountPaginator(Paginator):
    template_name = "admin/influencers/pagination_estimated.html"
    estimated = False
    # A search that reads every name (contains): PostgreSQL cannot estimate it, and an exact
    # count reads every name a second time. Counted up to COUNT_CAP, then "more than 1,000".
    cap_count = False
    capped = False

    @cached_property
    def count(self):
        object_list = self.object_list
        if not hasattr(object_list, "query"):
            return super().count
        if self.cap_count:
            sample = getattr(object_list.query, SEARCH_SAMPLE, None)
            if sample:
                # Matches of the search found beforehand: if the list's filters keep more
                # than COUNT_CAP of them, that is all the count says (a probe by id).
                kept = object_list.filter(pk__in=sample).order_by().values("pk")
                if kept[: COUNT_CAP + 1].count() > COUNT_CAP:
                    self.capped = True
                    return COUNT_CAP
            n = object_list.order_by().values("pk")[: COUNT_CAP + 1].count()
            self.capped = n > COUNT_CAP
            return min(n, COUNT_CAP)
        estimate = estimated_rows(object_list)
        if estimate < EXACT_BELOW:
            return object_list.count()
        self.estimated = True
        return estimate
