"""The efficiency pages (服务效能) for leaders and hall admins: the dashboard, the
before/after table (printed on A4, exported to CSV and XLSX) and the list of visits behind a
visit figure. Thin views over ``counterhall.efficiency`` and ``counterhall.metrics``."""

from __future__ import annotations

import csv
import io
from typing import Any, NamedTuple
from urllib.parse import urlencode

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import TemplateView, View

from counterhall import auditlog, charts, efficiency, metrics, permissions
from counterhall.forms import EfficiencyPeriodForm


class EfficiencyMixin(LoginRequiredMixin):
    request: HttpRequest

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not permissions.can_read_metrics(request.user):
            raise PermissionDenied(permissions.DENIED_METRICS)
        with metrics.sharing():  # today's raw rows read once for every figure of the page
            response = super().dispatch(request, *args, **kwargs)
            if hasattr(response, "render"):
                response.render()
            return response

    def picked(self) -> Picked:
        """The period, the comparison and the halls the query string asks for."""
        visible = list(metrics.halls_visible_to(self.request.user))
        form = EfficiencyPeriodForm(self.request.GET or None, halls=visible)
        data = form.cleaned_data if form.is_valid() else {}
        kind = data.get("period") or "last_month"
        compare = data.get("compare") or "previous"
        period = efficiency.period_for(
            kind, today=timezone.localdate(), start=data.get("start"), end=data.get("end")
        )
        code = data.get("hall") or ""
        halls = [h for h in visible if h.code == code] if code else visible
        query = f"period=custom&start={period.start.isoformat()}&end={period.end.isoformat()}"
        if code:
            query += "&" + urlencode({"hall": code})
        return Picked(
            form, period, efficiency.comparison_for(period, compare), compare, halls, code, query
        )


class Picked(NamedTuple):
    form: EfficiencyPeriodForm
    period: efficiency.Period
    before: efficiency.Period
    compare: str
    halls: list  # the halls read: every visible one, or the one picked
    code: str  # the picked hall's code ("": none picked)
    query: str  # the same period and hall for the page's links


class DashboardView(EfficiencyMixin, TemplateView):
    template_name = "counterhall/efficiency_dashboard.html"

    def get_context_data(self, **kwargs):
        """One hall: tables by business type, window and teller, and the staff load. Several
        (the province, no hall picked): by business type and by hall — a province's windows
        and tellers are each hall's own, read by picking the hall."""
        ctx = super().get_context_data(**kwargs)
        picked = self.picked()
        period, halls = picked.period, picked.halls
        province = len(halls) > 1
        span: dict[str, Any] = {"halls": halls, "start": period.start, "end": period.end}
        now = metrics.figures(**span)
        before = metrics.figures(halls=halls, start=picked.before.start, end=picked.before.end)
        dimensions = {"business_type": _("按业务类型")}
        if province:
            dimensions["hall"] = _("按大厅")
        else:
            dimensions.update(window=_("按窗口"), teller=_("按柜员"))
        grouped = {dimension: metrics.figures_by(dimension, **span) for dimension in dimensions}
        # the lists behind the figures: of the picked hall, when the reader has several
        base = {"hall": picked.code} if picked.code else {}
        tables = [
            efficiency.table(dimension, title, grouped[dimension], period, base)
            for dimension, title in dimensions.items()
        ]
        if province:  # each hall's row leads to that hall's dashboard
            codes = {h.pk: h.code for h in halls}
            tables[-1].links = [
                f"?{picked.query}&{urlencode({'hall': codes[key]})}" if key in codes else ""
                for key, _label, _figures in grouped["hall"]
            ]
        day_names = ("cases_taken_in", "cases_completed", "visits_served")
        by_day = metrics.day_counts(**span, names=day_names)
        day_rows = [
            (f"{day:%m-%d}", tuple(by_day.get(day, {}).get(n, 0) for n in day_names))
            for day in efficiency.days_of(period)
        ]
        by_type = tables[0]
        rating_rows = efficiency.rating_rows(now)
        # the 差评整改 page is a hall admin's or leader's: no link an auditor or the
        # province would be refused at
        can_rectify = permissions.can_open_rectifications(self.request.user)
        load = None
        if not province:
            load = metrics.staff_load(
                **span, overall=now, tellers=grouped["teller"], windows=grouped["window"]
            )
        ctx.update(
            form=picked.form,
            period=period,
            before_period=picked.before,
            compare=picked.compare,
            halls=halls,
            province=province,
            headlines=efficiency.headlines(now, before, period, base, rectifications=can_rectify),
            can_rectify=can_rectify,
            figures=now,
            satisfied=efficiency.shown(now.satisfied_share, "rate"),
            tables=tables,
            times=[
                (label, read_dist(now, key), read_dist(before, key))
                for key, label in efficiency.TIMES
            ],
            load=load,
            charts=[
                chart(
                    "days",
                    _("每日受理与办结"),
                    charts.column_chart(
                        [(label, counts[0]) for label, counts in day_rows],
                        title=_("每日受理业务"),
                    ),
                    [_("日期"), _("受理业务"), _("办结业务"), _("接待办事人次")],
                    [(label, *counts) for label, counts in day_rows],
                ),
                chart(
                    "types",
                    _("各业务类型受理量"),
                    charts.bar_chart(
                        [(label, cells[0].value) for label, cells in by_type.rows],
                        title=_("各业务类型受理量"),
                    ),
                    [_("业务类型"), _("受理业务"), _("办结业务")],
                    [(label, cells[0].text, cells[1].text) for label, cells in by_type.rows],
                ),
                chart(
                    "ratings",
                    _("评价分布"),
                    charts.bar_chart(rating_rows, title=_("评价分布"), css="ratings"),
                    [_("评价"), _("人次")],
                    rating_rows,
                ),
            ],
            period_query=picked.query,
        )
        return ctx


def read_dist(figures, key):
    dist = getattr(figures, key)
    return (
        dist.n,
        efficiency.shown(dist.median, "minutes"),
        efficiency.shown(dist.p90, "minutes"),
    )


def chart(slug, title, svg, heads, rows) -> dict:
    return {"slug": slug, "title": title, "svg": svg, "heads": heads, "rows": rows}


class BeforeAfterView(EfficiencyMixin, TemplateView):
    """The before/after table: prints on A4 (print CSS), exports to CSV and XLSX."""

    template_name = "counterhall/efficiency_before_after.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        picked = self.picked()
        ctx.update(
            form=picked.form,
            period=picked.period,
            halls=picked.halls,
            heads=efficiency.before_after_heads(),
            rows=efficiency.before_after(halls=picked.halls, period=picked.period),
            period_query=picked.query,
            printed_at=timezone.localtime(),
        )
        return ctx


class BeforeAfterExportView(EfficiencyMixin, View):
    """The before/after table as CSV (UTF-8 with BOM, formula-neutralised cells, like the
    audit desk's export) or XLSX (openpyxl's write-only workbook)."""

    def get(self, request, fmt):
        if fmt not in ("csv", "xlsx"):
            raise Http404
        picked = self.picked()
        period = picked.period
        rows = efficiency.export_rows(efficiency.before_after(halls=picked.halls, period=period))
        name = f"before-after-{period.start:%Y%m%d}-{period.end:%Y%m%d}.{fmt}"
        response: HttpResponseBase
        if fmt == "csv":
            response = StreamingHttpResponse(
                auditlog.iter_chunks(csv_lines(rows)), content_type="text/csv; charset=utf-8"
            )
        else:
            response = HttpResponse(
                xlsx_bytes(rows, title=_("改革前后对比")),
                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            )
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response


def csv_lines(rows):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    first = True
    for row in rows:
        writer.writerow([auditlog.csv_cell(c) for c in row])
        line = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        yield ("\ufeff" + line) if first else line
        first = False


def xlsx_bytes(rows, *, title: str) -> bytes:
    """A write-only workbook (rows streamed into the sheet, not kept as cells). Cells are
    written as text, formula-like ones neutralised as in the CSV."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=title[:31])
    for row in rows:
        sheet.append([auditlog.csv_cell(c) for c in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


class VisitListView(EfficiencyMixin, TemplateView):
    """The visits behind a visit figure of the dashboard (``?from=&to=&status=&window=
    &teller=``; ``after`` is the keyset cursor)."""

    template_name = "counterhall/efficiency_visits.html"

    def get_context_data(self, **kwargs):
        from django.utils.dateparse import parse_date

        from counterhall.models import VisitStatus

        ctx = super().get_context_data(**kwargs)
        get = self.request.GET
        period = efficiency.period_for("last_month", today=timezone.localdate())
        start = _date(parse_date, get.get("from")) or period.start
        end = _date(parse_date, get.get("to")) or period.end
        status = get.get("status", "")
        filters = {
            "status": status if status in VisitStatus.values else "",
            "window": get.get("window", "") if get.get("window", "").isdigit() else "",
            "teller": get.get("teller", "") if get.get("teller", "").isdigit() else "",
        }
        halls = metrics.halls_visible_to(self.request.user)
        if get.get("hall"):  # a province reader's one hall, by code
            halls = halls.filter(code=get["hall"])
        visits, cursor = efficiency.visit_list(
            halls=halls,
            start=start,
            end=end,
            filters=filters,
            after=get.get("after", ""),
        )
        query = get.copy()
        query.pop("after", None)
        ctx.update(
            visits=visits,
            start=start,
            end=end,
            status=dict(VisitStatus.choices).get(filters["status"], ""),
            next_query=(query.urlencode() + "&after=" + cursor) if cursor else "",
        )
        return ctx


def _date(parse, text):
    try:
        return parse(text or "")
    except ValueError:
        return None
