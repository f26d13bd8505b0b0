"""The printable contribution certificate (参保缴费凭证) of a transfer-out case."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from counterhall import selectors


class CertificatePrintView(LoginRequiredMixin, TemplateView):
    template_name = "transfers/print_certificate.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        case = selectors.case_detail(user=self.request.user, case_id=kwargs["pk"])
        if case.business_type.code != "TRF01" or not case.figures.get("years"):
            raise PermissionDenied(_("此业务没有参保缴费凭证。"))
        if case.submitted_at is None:
            raise PermissionDenied(_("此业务尚未提交复核，不能打印参保缴费凭证。"))
        ctx.update(case=case, figures=case.figures)
        return ctx
