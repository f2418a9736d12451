"""A paginator for the member list's default order (unit, then name) that does not sort the whole table.

Sorting 50,000 members by their unit's position and their name costs a full sort on every page
(the unit's order lives in another table, so no index can serve it). Instead: count the members
per unit (an index scan) and put them in the units' order (a small table) in the same query, work out
which units the requested page covers, and read only those units' members, whose order within a unit the
``member_unit_name_idx`` index gives. Same rows as ``order_by(unit order, name, pk)``, always two
queries, or one while the counts are kept in the cache (members.countcache).
"""

from __future__ import annotations

from django.core.exceptions import EmptyResultSet
from django.core.paginator import Page, Paginator
from django.db import connections
from django.db.models import Count
from django.utils.functional import cached_property

from . import countcache
from .models import Organization
from .pinyin import NameOrder

UNIT_ORDER = ("unit__sort_order", "unit__name", NameOrder(), "pk")
#: The page sizes every list offers (?per_page=).
PAGE_SIZES = (10, 20, 50, 100)


def paginate(request, queryset, default_size: int = 20, paginator_class=Paginator) -> Page:
    """A page of ``queryset`` from ?page= and ?per_page= (bad values fall back, never a 500)."""
    try:
        size = int(request.GET.get("per_page", default_size))
    except ValueError:
        size = default_size
    size = size if size in PAGE_SIZES else default_size
    return paginator_class(queryset, size).get_page(request.GET.get("page"))


class KeptCountPaginator(Paginator):
    """A paginator of members whose total is kept in the count cache until members or units change (the member
    list in another order: counting a million members is 50 ms on every page)."""

    @cached_property
    def count(self) -> int:
        counted = self.object_list.order_by()
        return countcache.remembered(countcache.query_key(counted), counted.count)


class UnitOrderPaginator(Paginator):
    def __init__(self, object_list, per_page, **kwargs):
        super().__init__(object_list.order_by(*UNIT_ORDER), per_page, **kwargs)

    @cached_property
    def _unit_counts(self) -> list[tuple[int, int]]:
        """[(unit_id, members)] in the list's unit order, in one query: the count per unit (an index scan), then
        the few rows of counts joined to their units and put in the units' order (grouping by the unit's
        position and name instead would join every member to its unit first: a fifth slower at 50,000). Kept in
        the cache until members or units change (members.countcache), so that a page reads only its own rows."""
        per_unit = (
            self.object_list.order_by().values_list("unit_id").annotate(n=Count("pk")).values_list("unit_id", "n")
        )

        def compute() -> list[tuple[int, int]]:
            per_unit._require_scope()  # the scoped manager's own check, as if the queryset were read
            try:
                sql, params = per_unit.query.sql_with_params()
            except EmptyResultSet:  # a filter on no ids: no members
                return []
            connection = connections[per_unit.db]
            quote = connection.ops.quote_name
            with connection.cursor() as cursor:
                # The inner SQL is the ORM's own (values as parameters), the table name quoted: nothing typed in.
                cursor.execute(
                    f"SELECT counted.unit_id, counted.n FROM ({sql}) counted "  # noqa: S608
                    f"INNER JOIN {quote(Organization._meta.db_table)} org ON org.id = counted.unit_id "
                    "ORDER BY org.sort_order, org.name, org.id",
                    params,
                )
                return [(unit_id, n) for unit_id, n in cursor.fetchall()]

        return countcache.remembered(countcache.query_key(per_unit), compute)

    @cached_property
    def count(self) -> int:
        return sum(n for _, n in self._unit_counts)

    def page(self, number) -> Page:
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        covered, start, skipped = [], 0, None
        for unit_id, n in self._unit_counts:
            if start + n > bottom and start < top:
                covered.append(unit_id)
                if skipped is None:
                    skipped = start
            start += n
        if not covered:
            return self._get_page(self.object_list.none(), number, self)
        qs = self.object_list.filter(unit_id__in=covered)
        if len(covered) == 1:
            qs = qs.order_by(NameOrder(), "pk")  # one unit: the index order (pinyin), no sort
        local = bottom - skipped
        return self._get_page(qs[local : local + (top - bottom)], number, self)
