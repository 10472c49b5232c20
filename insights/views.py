"""The drill-down dashboard, its exports and the operations big screen, for union staff
with the insights permission, within their region subtree (elsewhere: 404)."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from insights import selectors
from insights.charts import bar_chart, line_chart, number
from insights.forms import DashboardFilterForm, ExportForm
from insights.registry import DOMAINS, Indicator, indicators
from insights.selectors import Table
from regions.selectors import RegionNode


def _filters(request: HttpRequest, form_class=DashboardFilterForm) -> dict[str, Any]:
    """The validated filters; bad input gets a message and the defaults, never a 500."""
    latest = selectors.facts_latest_day()
    form = form_class(request.GET, latest=latest)
    if form.is_valid():
        return {**form.cleaned_data, "latest": latest}
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)
    fallback = form_class(
        {"region": request.GET.get("region", "")[:6], "format": "csv"}, latest=latest
    )
    fallback.is_valid()
    data = {**fallback.cleaned_data, "latest": latest}
    data.setdefault("indicator", "members_total")
    return data


def _region(request: HttpRequest, code: str, **kwargs) -> RegionNode:
    if code:
        return selectors.insights_region_get_for_user(user=request.user, code=code, **kwargs)
    return selectors.insights_home_region_for_user(user=request.user)


def _value_title(item: Indicator) -> str:
    return f"{item.name}（{item.unit}）"


def _tables(item: Indicator, node: RegionNode, trend, compare, breakdown) -> dict[str, Table]:
    tables = {
        "trend": Table(
            title=_("%(region)s · %(name)s 每日走势") % {"region": node.name, "name": item.name},
            columns=[_("日期"), _value_title(item)],
            rows=[[p["date"].isoformat(), p["value"]] for p in trend],
        ),
    }
    if compare:
        tables["compare"] = Table(
            title=_("%(region)s 下辖地区对比") % {"region": node.name},
            columns=[_("地区"), _value_title(item)],
            rows=[[c["node"].name, c["value"]] for c in compare],
        )
    if breakdown:
        tables["breakdown"] = Table(
            title=_("按%(what)s分类") % {"what": item.breakdown},
            columns=[item.breakdown, _value_title(item)],
            rows=[[b["label"], b["value"]] for b in breakdown],
        )
    return tables


def _dashboard_data(node: RegionNode, item: Indicator, start, end) -> dict[str, Any]:
    trend = selectors.fact_trend(item=item, node=node, start=start, end=end)
    compare = selectors.fact_compare(item=item, node=node, start=start, end=end)
    breakdown = selectors.fact_breakdown(item=item, node=node, start=start, end=end)
    return {
        "trend": trend,
        "compare": compare,
        "breakdown": breakdown,
        "tables": _tables(item, node, trend, compare, breakdown),
    }


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    data = _filters(request)
    node = _region(request, data.get("region", ""))
    item = selectors.indicator_get_or_404(data["indicator"])
    start, end = data["start"], data["end"]
    figures = _dashboard_data(node, item, start, end)
    query = {"indicator": item.code, "start": start.isoformat(), "end": end.isoformat()}

    def link(code: str, **extra: str) -> str:
        return f"{reverse('insights:dashboard')}?{urlencode({**query, 'region': code, **extra})}"

    compare_bars = [
        {
            "label": c["node"].short_name or c["node"].name,
            "value": c["value"],
            "url": link(c["node"].code),
        }
        for c in figures["compare"]
    ]
    groups: dict[str, list[dict]] = {}
    for other in indicators():
        groups.setdefault(other.domain, []).append(
            {"item": other, "url": link(node.code, indicator=other.code)}
        )
    headlines = selectors.fact_headlines(node=node, start=start, end=end)
    context = {
        "node": node,
        "item": item,
        "start": start,
        "end": end,
        "latest": data["latest"],
        "breadcrumb": [
            {"node": a, "url": link(a.code)}
            for a in selectors.insights_breadcrumb(user=request.user, node=node)
        ],
        "headlines": [
            {
                "item": h["item"],
                "value": number(h["value"]),
                "url": link(node.code, indicator=h["item"].code),
            }
            for h in headlines
        ],
        "groups": [{"label": DOMAINS[d], "entries": e} for d, e in groups.items()],
        "line": line_chart(figures["trend"]),
        "compare": bar_chart(compare_bars),
        "breakdown": bar_chart(
            [{"label": b["label"], "value": b["value"]} for b in figures["breakdown"]]
        ),
        "tables": figures["tables"],
        "export_query": urlencode({**query, "region": node.code}),
        "ranges": [
            {
                "days": days,
                "url": f"{reverse('insights:dashboard')}?"
                + urlencode(
                    {
                        "indicator": item.code,
                        "region": node.code,
                        "start": (end - timedelta(days=days - 1)).isoformat(),
                        "end": end.isoformat(),
                    }
                ),
            }
            for days in (7, 30, 90, 365)
        ],
        "screen_url": reverse("insights:screen", kwargs={"code": node.code})
        if node.level in selectors.SCREEN_LEVELS
        else "",
    }
    return render(request, "insights/dashboard_detail.html", context)


def _cell(value: Any) -> Any:
    return "" if value is None else value


@login_required
@require_GET
def dashboard_export(request: HttpRequest) -> HttpResponse:
    """The table behind one chart as CSV (UTF-8 with BOM, for Excel) or .xlsx."""
    data = _filters(request, ExportForm)
    node = _region(request, data.get("region", ""))
    item = selectors.indicator_get_or_404(data["indicator"])
    if data.get("table") == "all":
        table = _all_table(node, data["start"], data["end"])
        stem = f"indicators_{node.code}_{data['start']:%Y%m%d}-{data['end']:%Y%m%d}"
    else:
        tables = _dashboard_data(node, item, data["start"], data["end"])["tables"]
        table = tables.get(data.get("table") or "trend") or tables["trend"]
        stem = f"{item.code}_{node.code}_{data['start']:%Y%m%d}-{data['end']:%Y%m%d}"
    return _table_response(table, stem, data.get("format"))


def _all_table(node: RegionNode, start, end) -> Table:
    """Every indicator's value in ``node`` over the range: one query."""
    codes = [i.code for i in indicators()]
    values = selectors.fact_headlines(node=node, start=start, end=end, codes=codes)
    return Table(
        title=_("%(region)s 全部指标 %(start)s 至 %(end)s")
        % {"region": node.name, "start": start.isoformat(), "end": end.isoformat()},
        columns=[_("指标代码"), _("指标"), _("领域"), _("数值"), _("单位")],
        rows=[
            [v["item"].code, v["item"].name, v["item"].domain_label, v["value"], v["item"].unit]
            for v in values
        ],
    )


def _table_response(table: Table, stem: str, fmt: str | None) -> HttpResponse:
    """A table as CSV (UTF-8 with BOM, for Excel) or .xlsx."""
    if fmt == "xlsx":
        from openpyxl import Workbook

        book = Workbook()
        sheet = book.active
        sheet.title = "数据"
        sheet.append([table.title])
        sheet.append(table.columns)
        for row in table.rows:
            sheet.append([_cell(v) for v in row])
        buffer = io.BytesIO()
        book.save(buffer)
        response = HttpResponse(
            buffer.getvalue(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="{stem}.xlsx"'
        return response
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer)
    writer.writerow(table.columns)
    for row in table.rows:
        writer.writerow([_cell(v) for v in row])
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{stem}.csv"'
    return response


# --- the operations big screen ------------------------------------------------------------

SCREEN_FIGURES = (
    "members_total",
    "verified_share",
    "active_members",
    "hotline_requests",
    "hotline_on_time_rate",
    "hotline_satisfaction",
    "job_posts_active",
    "packs_claimed",
    "join_rate",
    "transfer_hours",
    "job_match_success_rate",
    "legal_aid_requests",
)

#: The rights-protection figures the screen compares (12351 requests by what is at stake),
#: with labels short enough for the bars.
SCREEN_RIGHTS = {
    "legal_aid_requests": "法律援助",
    "dispute_requests": "劳动争议",
    "wage_requests": "欠薪",
    "injury_requests": "工伤职业病",
}


def _screen_context(node: RegionNode) -> dict[str, Any]:
    latest = selectors.facts_latest_day()
    start, end = selectors.default_range(latest)
    members = selectors.indicator_get_or_404("members_total")
    active = selectors.indicator_get_or_404("active_members")
    hotline = selectors.indicator_get_or_404("hotline_requests")
    compare = selectors.fact_compare(item=members, node=node, start=start, end=end)
    kinds = selectors.fact_breakdown(item=hotline, node=node, start=start, end=end)
    return {
        "node": node,
        "now": timezone.localtime(),
        "latest": latest,
        "live": [
            {"item": c["item"], "value": number(c["value"])}
            for c in selectors.live_counters(node=node)
        ],
        "figures": [
            {"item": h["item"], "value": number(h["value"])}
            for h in selectors.fact_headlines(node=node, start=start, end=end, codes=SCREEN_FIGURES)
        ],
        "active_line": line_chart(
            selectors.fact_trend(item=active, node=node, start=start, end=end), height=200
        ),
        "hotline_line": line_chart(
            selectors.fact_trend(item=hotline, node=node, start=start, end=end), height=200
        ),
        "members_bars": bar_chart(
            [
                {"label": c["node"].short_name or c["node"].name, "value": c["value"]}
                for c in compare
            ],
            row=34,
        ),
        "kind_bars": bar_chart([{"label": k["label"], "value": k["value"]} for k in kinds], row=34),
        "rights_bars": bar_chart(
            [
                {"label": _(SCREEN_RIGHTS[r["item"].code]), "value": r["value"]}
                for r in selectors.fact_headlines(
                    node=node, start=start, end=end, codes=SCREEN_RIGHTS
                )
            ],
            row=34,
        ),
        "panel_url": reverse("insights:screen_panel", kwargs={"code": node.code}),
    }


@login_required
@require_GET
def screen_home(request: HttpRequest) -> HttpResponse:
    node = selectors.insights_home_region_for_user(user=request.user)
    if node.level not in selectors.SCREEN_LEVELS:
        node = selectors.insights_region_get_for_user(
            user=request.user, code=node.parent_code or "", levels=selectors.SCREEN_LEVELS
        )
    return redirect("insights:screen", code=node.code)


@login_required
@require_GET
def screen(request: HttpRequest, code: str) -> HttpResponse:
    node = _region(request, code, levels=selectors.SCREEN_LEVELS)
    return render(request, "insights/screen_detail.html", _screen_context(node))


@login_required
@require_GET
def screen_panel(request: HttpRequest, code: str) -> HttpResponse:
    """The screen's content, fetched again every minute by htmx."""
    node = _region(request, code, levels=selectors.SCREEN_LEVELS)
    return render(request, "insights/screen_panel.html", _screen_context(node))


# --- the indicator dictionary -------------------------------------------------------------

DICTIONARY_COLUMNS = (
    "代码",
    "指标",
    "领域",
    "单位",
    "计算公式",
    "口径说明",
    "来源数据库",
    "责任部门",
    "下钻层级",
    "类型",
    "统计方式",
    "分类维度",
)


def _dictionary_table() -> Table:
    return Table(
        title=_("数智中台指标字典"),
        columns=[_(c) for c in DICTIONARY_COLUMNS],
        rows=[
            [
                i.code,
                i.name,
                i.domain_label,
                i.unit,
                i.formula,
                i.definition,
                i.database,
                i.owner,
                i.levels_label,
                i.kind_label,
                i.period_label,
                i.breakdown,
            ]
            for i in indicators()
        ],
    )


@login_required
@require_GET
def indicator_dictionary(request: HttpRequest) -> HttpResponse:
    """Every indicator's definition (staff with the insights role, any region: definitions
    are the same everywhere; each links to the dashboard of the viewer's own region).
    ``?format=csv|xlsx`` downloads the table."""
    node = selectors.insights_home_region_for_user(user=request.user)
    table = _dictionary_table()
    fmt = request.GET.get("format")
    if fmt in ("csv", "xlsx"):
        return _table_response(table, "indicator_dictionary", fmt)
    base = reverse("insights:dashboard")
    groups: dict[str, list[dict]] = {}
    for item in indicators():
        groups.setdefault(item.domain, []).append(
            {
                "item": item,
                "url": f"{base}?{urlencode({'region': node.code, 'indicator': item.code})}",
            }
        )
    context = {
        "node": node,
        "count": len(table.rows),
        "groups": [{"label": DOMAINS[d], "entries": e} for d, e in groups.items()],
    }
    return render(request, "insights/indicator_list.html", context)
