from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from core.db_router import replica_reads
from core.memberpage import member_page_cache
from core.pagecache import anonymous_page_cache
from publishing.forms import ArticleSearchForm, LocateForm, RegionChoiceForm
from publishing.selectors.articles import (
    article_cards,
    article_cover_url,
    article_get_for_preview,
    article_get_published,
    article_search,
)
from publishing.selectors.entry import entry_region_choose, region_nearest_county
from publishing.selectors.pages import region_page_content
from publishing.services.articles import article_read_register
from regions.current import CURRENT_REGION_COOKIE, CURRENT_REGION_SESSION_KEY
from regions.selectors import region_node_get_by_slugs, region_tree

ONE_YEAR = 365 * 24 * 3600
SEARCH_PAGE_SIZE = 20


@require_GET
@anonymous_page_cache
def home(request: HttpRequest) -> HttpResponse:
    tree = region_tree()
    root = tree.get(tree.root_code) if tree.root_code else None
    provinces = []
    if root is not None:
        provinces = [
            {"node": province, "children": tree.children(province)}
            for province in tree.children(root)
        ]
    return render(request, "publishing/home.html", {"root": root, "provinces": provinces})


@require_GET
@anonymous_page_cache
@member_page_cache
@replica_reads
def region_detail(request: HttpRequest, slugs: str) -> HttpResponse:
    node = region_node_get_by_slugs(slugs=slugs.split("/"))
    tree = region_tree()
    context = {
        "region": node,
        "ancestors": tree.ancestors(node),
        "children": tree.children(node),
        **region_page_content(node=node),
    }
    return render(request, "publishing/region_detail.html", context)


def _choose_context() -> dict:
    tree = region_tree()
    root = tree.get(tree.root_code) if tree.root_code else None
    provinces = []
    if root is not None:
        for province in tree.children(root):
            cities = [
                {"node": city, "children": tree.children(city)} for city in tree.children(province)
            ]
            provinces.append({"node": province, "cities": cities})
    return {"provinces": provinces}


@require_GET
def region_choose(request: HttpRequest) -> HttpResponse:
    context = {**_choose_context(), "next": request.GET.get("next", "")}
    return render(request, "publishing/region_choose.html", context)


def _remember(response: HttpResponse, code: str) -> HttpResponse:
    response.set_cookie(
        CURRENT_REGION_COOKIE, code, max_age=ONE_YEAR, samesite="Lax", httponly=True
    )
    return response


@require_POST
def region_set_current(request: HttpRequest) -> HttpResponse:
    form = RegionChoiceForm(request.POST)
    if not form.is_valid():
        for error in form.errors.get("code", []):
            messages.error(request, error)
        return redirect("publishing:choose")
    node = region_tree().get(form.cleaned_data["code"])
    request.session[CURRENT_REGION_SESSION_KEY] = node.code
    messages.success(request, _("已切换到%(name)s。") % {"name": node.name})
    return _remember(redirect(node.url), node.code)


@require_GET
def region_entry(request: HttpRequest) -> HttpResponse:
    """The first stop of a visit: open the region of the member's union, else the saved
    choice; otherwise offer the browser's location (static/js/region-locate.js) and the
    list to pick from, which works without JavaScript."""
    choice = entry_region_choose(
        user=request.user,
        saved_codes=[
            request.session.get(CURRENT_REGION_SESSION_KEY),
            request.COOKIES.get(CURRENT_REGION_COOKIE),
        ],
    )
    if choice is None:
        context = {**_choose_context(), "next": "", "locate": True}
        return render(request, "publishing/region_choose.html", context)
    if choice.source == "union":
        text = _("根据您所在的工会（%(union)s），为您打开%(region)s专区。") % {
            "union": choice.detail,
            "region": choice.node.name,
        }
    else:
        text = _("您上次选择了%(region)s，已为您打开。") % {"region": choice.node.name}
    request.session[CURRENT_REGION_SESSION_KEY] = choice.node.code
    messages.info(request, text)
    return redirect(choice.node.url)


@require_POST
def region_locate(request: HttpRequest) -> JsonResponse:
    """Nearest county to the browser's position; remembered for this visit."""
    form = LocateForm(request.POST)
    if not form.is_valid():
        error = next(iter(form.errors.values()))[0]
        return JsonResponse({"error": error}, status=400)
    node = region_nearest_county(
        latitude=form.cleaned_data["latitude"], longitude=form.cleaned_data["longitude"]
    )
    if node is None:
        return JsonResponse({"error": _("您的位置不在河北省内，请从列表中选择地区。")}, status=400)
    request.session[CURRENT_REGION_SESSION_KEY] = node.code
    messages.info(request, _("根据您的定位，为您打开%(region)s专区。") % {"region": node.name})
    return JsonResponse({"url": node.url, "code": node.code, "name": node.name})


def _article_context(request: HttpRequest, article) -> dict:
    tree = region_tree()
    node = tree.get(article.region.code)
    return {
        "article": article,
        "region": node,
        "ancestors": [*tree.ancestors(node), node] if node else [],
        "cover_url": article_cover_url(article, "1280"),
        "cover_small_url": article_cover_url(article, "640"),
        "cover_srcset": ", ".join(
            f"{article_cover_url(article, width)} {width}w" for width in article.cover_renditions
        ),
        "absolute_url": request.build_absolute_uri(article.get_absolute_url()),
        "absolute_cover_url": (
            request.build_absolute_uri(article_cover_url(article, "1280"))
            if article.cover_renditions
            else ""
        ),
    }


@require_GET
def article_detail(request: HttpRequest, pk: int) -> HttpResponse:
    article = article_get_published(pk=pk)
    article_read_register(article_id=article.pk)
    article.read_count += 1  # what the page shows; the database was updated atomically
    return render(request, "publishing/article_detail.html", _article_context(request, article))


@require_GET
def article_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """An editor's view of an article in any status; 404 outside their scope."""
    article = article_get_for_preview(user=request.user, pk=pk)
    context = {**_article_context(request, article), "preview": True}
    return render(request, "publishing/article_detail.html", context)


@require_GET
def article_list(request: HttpRequest) -> HttpResponse:
    """Published articles, searchable in Chinese, narrowed by region and kind."""
    form = ArticleSearchForm(request.GET or None)
    region = None
    page = None
    if form.is_bound and not form.is_valid():
        results = []
    else:
        data = form.cleaned_data if form.is_bound else {}
        region = region_tree().get(data.get("region") or "")
        articles = article_search(
            query=data.get("q", ""),
            region_path=region.path if region else None,
            kind=data.get("kind") or None,
        )
        page = Paginator(articles, SEARCH_PAGE_SIZE).get_page(request.GET.get("page"))
        results = article_cards(page.object_list)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "publishing/article_list.html",
        {
            "form": form,
            "results": results,
            "page": page,
            "region": region,
            "querystring": query.urlencode(),
            "search_url": reverse("publishing:article_list"),
        },
    )
