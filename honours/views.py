"""The public 劳模工匠 pages (the province and each city and county) and the member's own
page where they agree to, or withdraw, showing their honours."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from honours import selectors, services
from honours.forms import HonourConsentForm, HonourFilterForm
from regions.selectors import region_node_get_by_slugs, region_tree

PAGE_SIZE = 20


@require_GET
def honour_list(request: HttpRequest, slugs: str = "") -> HttpResponse:
    """/honours/ (the whole province) or /honours/<city>/[<county>/]: the public profiles
    of the region's 劳模工匠, with its sub-regions to drill down to."""
    tree = region_tree()
    node = region_node_get_by_slugs(slugs=[s for s in slugs.split("/") if s]) if slugs else None
    if node is None and tree.root_code:
        root = tree.get(tree.root_code)
        children = tree.children(root) if root else []
        # One province in this portal: its page is the root's only child.
        node = children[0] if len(children) == 1 else None
    form = HonourFilterForm(request.GET or None)
    kind = form.cleaned_data["kind"] if form.is_valid() else ""
    honours = selectors.honour_public_list(region_path=node.path if node else "", kind=kind)
    page = Paginator(honours, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "honours/honour_list.html",
        {
            "region": node,
            "parent": tree.get(node.parent_code) if node and node.parent_code else None,
            "children": tree.children(node) if node else [],
            "form": form,
            "page": page,
            "honours": page.object_list,
        },
    )


@require_GET
def honour_detail(request: HttpRequest, pk: int) -> HttpResponse:
    honour = selectors.honour_public_get(honour_id=pk)
    region = region_tree().get(honour.region.code)
    return render(request, "honours/honour_detail.html", {"honour": honour, "region": region})


@login_required
@require_GET
def honour_mine(request: HttpRequest) -> HttpResponse:
    honours = selectors.honour_list_for_user(user=request.user)
    return render(request, "honours/honour_mine.html", {"honours": honours})


@login_required
@require_POST
def honour_consent(request: HttpRequest, pk: int) -> HttpResponse:
    honour = selectors.honour_get_for_user(user=request.user, honour_id=pk)
    form = HonourConsentForm(request.POST)
    if not form.is_valid():
        for error in form.errors.get("decision", []):
            messages.error(request, error)
        return redirect("honours:mine")
    if form.cleaned_data["decision"] == "grant":
        services.honour_consent_grant(user=request.user, honour=honour)
        messages.success(request, _("已同意公开，您的事迹将展示在劳模工匠页面。"))
    else:
        services.honour_consent_withdraw(user=request.user, honour=honour)
        messages.success(request, _("已撤回同意，您的事迹不再公开展示。"))
    return redirect("honours:mine")
