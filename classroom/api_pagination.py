"""Page-number pagination for every JSON list of the API, with a cap on the page size.

`page` (1, 2, ...) and `page_size` (default PAGE_SIZE, at most PAGE_SIZE_MAX) are parsed like the
report filters: a bad value is a LabError naming the parameter (400), a page past the last is a
404 naming `page`. The envelope adds count, page, page_size, pages, next and previous (absolute
links, null at either end) to each endpoint's own fields. CSV/XLSX downloads are never paginated.
"""
from django.utils.translation import gettext as _

import math
from collections.abc import Mapping
from dataclasses import dataclass

from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers
from rest_framework.utils.urls import remove_query_param, replace_query_param

from classroom.errors import LabError, NotFound

PAGE_SIZE = 100
PAGE_SIZE_MAX = 500
_DIGITS_MAX = 9  # a page number with more digits is a typo, not a page


@dataclass(frozen=True)
class PageRequest:
    page: int = 1
    page_size: int = PAGE_SIZE


def _whole(raw, field: str, default: int) -> int:
    text = (raw or "").strip()
    if not text:
        return default
    if not text.isascii() or not text.isdigit() or len(text) > _DIGITS_MAX or int(text) < 1:
        shown = repr(text if len(text) <= 20 else text[:20] + "...")
        raise LabError(f"invalid_{field}", _("'%(field)s' must be a whole number from 1 up; got %(got)s.") % {
            "field": field, "got": shown}, field=field)
    return int(text)


def page_parse(*, params: Mapping[str, str]) -> PageRequest:
    page = _whole(params.get("page"), "page", 1)
    size = _whole(params.get("page_size"), "page_size", PAGE_SIZE)
    if size > PAGE_SIZE_MAX:
        raise LabError("page_size_too_large", _("'page_size' may be at most %(max)s; got %(size)s. Ask for more "
                                                "pages instead (follow 'next').") % {
            "max": PAGE_SIZE_MAX, "size": size}, field="page_size")
    return PageRequest(page=page, page_size=size)


def page_refuse_for_download(*, params: Mapping[str, str]) -> None:
    """CSV and XLSX are whole reports: a page asked of them is a mistake, said rather than ignored."""
    for field in ("page", "page_size"):
        if (params.get(field) or "").strip():
            raise LabError("not_paginated", _("CSV and XLSX downloads hold the whole report; drop '%(field)s' "
                                              "(pages are for format=json).") % {"field": field}, field=field)


def page_of(*, items, count: int, request, page: PageRequest) -> dict:
    """The envelope fields for one page of `items` (a list or a queryset, sliced here)."""
    pages = max(1, math.ceil(count / page.page_size))
    if page.page > pages:
        raise NotFound("no_such_page", _("There is no page %(page)s: with page_size=%(size)s the last page is "
                                         "%(last)s.") % {"page": page.page, "size": page.page_size, "last": pages},
                       field="page")
    start = (page.page - 1) * page.page_size
    url = request.build_absolute_uri()

    def link(number: int) -> str:
        return remove_query_param(url, "page") if number == 1 else replace_query_param(url, "page", number)

    return {"count": count, "page": page.page, "page_size": page.page_size, "pages": pages,
            "next": link(page.page + 1) if page.page < pages else None,
            "previous": link(page.page - 1) if page.page > 1 else None,
            "rows": list(items[start:start + page.page_size])}


PAGE_PARAMETERS = [
    OpenApiParameter("page", {"type": "integer", "minimum": 1, "maximum": 10**_DIGITS_MAX - 1},
                     description="Page number, from 1 (default 1). Past the last page: 404."),
    OpenApiParameter("page_size", {"type": "integer", "minimum": 1, "maximum": PAGE_SIZE_MAX},
                     description=f"Rows per page (default {PAGE_SIZE}, at most {PAGE_SIZE_MAX}; more is a 400)."),
]


def page_fields() -> dict:
    """The envelope's pagination fields, for the schema."""
    return {
        "count": serializers.IntegerField(help_text="Rows matching the filters, on all pages."),
        "page": serializers.IntegerField(), "page_size": serializers.IntegerField(),
        "pages": serializers.IntegerField(help_text="Number of pages (at least 1)."),
        "next": serializers.URLField(allow_null=True, help_text="Link to the next page; null on the last."),
        "previous": serializers.URLField(allow_null=True, help_text="Link to the previous page; null on the first."),
    }
