"""A list's count without counting a huge list: PostgreSQL's own estimate of the rows a query
returns (EXPLAIN), shown as an estimate, when that estimate is large; an exact COUNT when the
list is small enough to count quickly. At 1,000,000 creators an exact COUNT of the unfiltered
list costs more than the whole rest of the page."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.utils.functional import cached_property

from influencers.selectors.estimates import estimated_rows

EXACT_BELOW = 20_000  # an estimate under this is counted exactly (a few ms)


class EstimatedCountPaginator(Paginator):
    template_name = "admin/influencers/pagination_estimated.html"
    estimated = False

    @cached_property
    def count(self):
        object_list = self.object_list
        if not hasattr(object_list, "query"):
            return super().count
        estimate = estimated_rows(object_list)
        if estimate < EXACT_BELOW:
            return object_list.count()
        self.estimated = True
        return estimate
