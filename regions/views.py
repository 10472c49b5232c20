from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from regions.forms import RegionChoiceForm
from regions.selectors import RegionNode, region_node_get_by_slugs, region_tree

CURRENT_REGION_SESSION_KEY = "current_region_code"
CURRENT_REGION_COOKIE = "region"
ONE_YEAR = 365 * 24 * 3600


def current_region_for(request: HttpRequest) -> RegionNode | None:
    """The region the visitor chose (session, then the remembered cookie), else the province."""
    tree = region_tree()
    for code in (
        request.session.get(CURRENT_REGION_SESSION_KEY) if hasattr(request, "session") else None,
        request.COOKIES.get(CURRENT_REGION_COOKIE),
        settings.PORTAL_DEFAULT_REGION_CODE,
    ):
        node = tree.get(code) if code else None
        if node is not None:
            return node
    return None


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    tree = region_tree()
    root = tree.get(tree.root_code) if tree.root_code else None
    provinces = []
    if root is not None:
        provinces = [
            {"node": province, "children": tree.children(province)}
            for province in tree.children(root)
        ]
    return render(request, "regions/home.html", {"root": root, "provinces": provinces})


@require_GET
def region_detail(request: HttpRequest, slugs: str) -> HttpResponse:
    node = region_node_get_by_slugs(slugs=slugs.split("/"))
    tree = region_tree()
    context = {
        "region": node,
        "ancestors": tree.ancestors(node),
        "children": tree.children(node),
    }
    return render(request, "regions/region_detail.html", context)


@require_GET
def region_choose(request: HttpRequest) -> HttpResponse:
    tree = region_tree()
    root = tree.get(tree.root_code) if tree.root_code else None
    provinces = []
    if root is not None:
        for province in tree.children(root):
            cities = [
                {"node": city, "children": tree.children(city)} for city in tree.children(province)
            ]
            provinces.append({"node": province, "cities": cities})
    return render(
        request,
        "regions/region_choose.html",
        {"provinces": provinces, "next": request.GET.get("next", "")},
    )


@require_POST
def region_set_current(request: HttpRequest) -> HttpResponse:
    form = RegionChoiceForm(request.POST)
    if not form.is_valid():
        for error in form.errors.get("code", []):
            messages.error(request, error)
        return redirect("regions:choose")
    node = region_tree().get(form.cleaned_data["code"])
    request.session[CURRENT_REGION_SESSION_KEY] = node.code
    messages.success(request, _("已切换到%(name)s。") % {"name": node.name})
    response = redirect(node.url)
    response.set_cookie(
        CURRENT_REGION_COOKIE, node.code, max_age=ONE_YEAR, samesite="Lax", httponly=True
    )
    return response
