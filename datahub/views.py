"""Staff pages of 数据归集: upload a roster, confirm the columns, watch it run, download
the report. Access: ``Action.DATAHUB_IMPORT`` over the import's region (404 otherwise)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.permissions import Action, user_can
from datahub import selectors
from datahub.forms import MappingForm, RosterUploadForm, WorkUploadForm
from datahub.models import ImportRow
from datahub.registry import work_database_choices
from datahub.reports import report_csv_lines, report_xlsx
from datahub.selectors_works import work_database_overview
from datahub.services.imports import roster_import_create, roster_import_start
from datahub.services.works import work_import_create

LIST_LIMIT = 50
REJECTED_PREVIEW = 100


def _require_importer(request: HttpRequest) -> None:
    if not user_can(request.user, Action.DATAHUB_IMPORT):
        raise Http404


def _errors(form, exc: ValidationError | PermissionDenied) -> None:
    form.add_error(None, exc.messages if isinstance(exc, ValidationError) else str(exc))


@login_required
@require_http_methods(["GET", "POST"])
def import_list(request: HttpRequest) -> HttpResponse:
    _require_importer(request)
    regions = selectors.import_scope_regions(user=request.user)
    form = RosterUploadForm(request.POST or None, request.FILES or None, regions=regions)
    if request.method == "POST" and form.is_valid():
        code = form.cleaned_data.get("region") or (regions[0].code if regions else "")
        region = next((r for r in regions if r.code == code), None)
        upload = form.cleaned_data["file"]
        try:
            draft = roster_import_create(
                user=request.user, upload=upload, name=upload.name, region=region
            )
        except (ValidationError, PermissionDenied) as exc:
            _errors(form, exc)
        else:
            return redirect("datahub:import_detail", pk=draft.pk)
    imports = selectors.roster_import_list_for_user(user=request.user)[:LIST_LIMIT]
    return render(request, "datahub/rosterimport_list.html", {"form": form, "imports": imports})


@login_required
@require_http_methods(["GET", "POST"])
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    roster_import = selectors.roster_import_get_for_user(user=request.user, id=pk)
    form = None
    if roster_import.status == roster_import.Status.DRAFT:
        form = MappingForm(
            request.POST or None,
            headers=roster_import.headers,
            initial_mapping=roster_import.mapping,
        )
        if request.method == "POST" and form.is_valid():
            try:
                roster_import_start(
                    roster_import=roster_import, user=request.user, mapping=form.mapping()
                )
            except (ValidationError, PermissionDenied) as exc:
                _errors(form, exc)
            else:
                messages.success(request, _("已开始导入，完成后本页会显示结果。"))
                return redirect("datahub:import_detail", pk=pk)
    rejected = []
    if roster_import.status == roster_import.Status.DONE:
        rejected = list(
            selectors.import_rows(roster_import=roster_import, status=ImportRow.Status.REJECTED)[
                :REJECTED_PREVIEW
            ]
        )
    return render(
        request,
        "datahub/rosterimport_detail.html",
        {
            "roster_import": roster_import,
            "form": form,
            "progress": selectors.roster_import_progress(roster_import=roster_import),
            "rejected": rejected,
            "rejected_preview": REJECTED_PREVIEW,
        },
    )


@login_required
def import_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress block, polled by htmx every two seconds while the import runs."""
    roster_import = selectors.roster_import_get_for_user(user=request.user, id=pk)
    if not roster_import.is_active and request.htmx:
        # Finished: reload the whole page so the summary and the report links appear.
        response = HttpResponse(status=204)
        response["HX-Refresh"] = "true"
        return response
    return render(
        request,
        "datahub/rosterimport_progress.html",
        {
            "roster_import": roster_import,
            "progress": selectors.roster_import_progress(roster_import=roster_import),
        },
    )


@login_required
def import_report(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    roster_import = selectors.roster_import_get_for_user(user=request.user, id=pk)
    if roster_import.status != roster_import.Status.DONE or fmt not in ("csv", "xlsx"):
        raise Http404
    status = request.GET.get("status") or None
    if status is not None and status not in ImportRow.Status.values:
        status = None
    suffix = f"-{status}" if status else ""
    filename = f"import-{roster_import.pk}{suffix}"
    if fmt == "xlsx":
        response = HttpResponse(
            report_xlsx(roster_import=roster_import, status=status),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
        return response
    response = StreamingHttpResponse(
        report_csv_lines(roster_import=roster_import, status=status),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def work_database_list(request: HttpRequest) -> HttpResponse:
    """The registry's 28 work databases with their sizes in the user's scope, and the upload
    of a ledger into a stored one (then the import's own page: progress bar and report)."""
    _require_importer(request)
    regions = selectors.import_scope_regions(user=request.user)
    form = WorkUploadForm(
        request.POST or None,
        request.FILES or None,
        regions=regions,
        databases=work_database_choices(stored_only=True),
    )
    if request.method == "POST" and form.is_valid():
        code = form.cleaned_data.get("region") or (regions[0].code if regions else "")
        region = next((r for r in regions if r.code == code), None)
        upload = form.cleaned_data["file"]
        try:
            work_import = work_import_create(
                user=request.user,
                database=form.cleaned_data["database"],
                upload=upload,
                name=upload.name,
                region=region,
            )
        except (ValidationError, PermissionDenied) as exc:
            _errors(form, exc)
        else:
            messages.success(request, _("已开始导入，完成后本页会显示结果。"))
            return redirect("datahub:import_detail", pk=work_import.pk)
    return render(
        request,
        "datahub/workdatabase_list.html",
        {"form": form, "databases": work_database_overview(user=request.user)},
    )
