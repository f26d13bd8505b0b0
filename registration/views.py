"""Registration pages: the live preview of a case's figures while the teller types."""

from __future__ import annotations

import copy
import json

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404
from django.template.response import TemplateResponse
from django.views import View

from counterhall import permissions, registry, selectors
from counterhall.params import ParameterMissing
from registration.handlers import TEMPLATE as PREVIEWED_TEMPLATE

# The preview serves only the types whose application is the registration case form:
# REG01–REG05 and contributions' CON01–CON04; any other case is not found here.


class CasePreviewView(LoginRequiredMixin, View):
    """htmx: validate the application form and compute its figures without saving anything
    (the figures are kept on the case only when the teller saves)."""

    def post(self, request, pk):
        case = selectors.case_detail(user=request.user, case_id=pk)
        if not permissions.can_change_case(case, request.user):
            raise PermissionDenied(permissions.explain_change_case(case, request.user))
        if not registry.has_handler(case.business_type.code):
            raise Http404
        handler = registry.get_handler(case.business_type.code)
        if handler.template != PREVIEWED_TEMPLATE:
            raise Http404
        form = handler.form_class(request.POST, case=case)
        ctx = {"case": case}
        if form.is_valid():
            draft = copy.copy(case)
            payload = form.to_payload() if hasattr(form, "to_payload") else form.cleaned_data
            draft.payload = json.loads(json.dumps(payload, cls=DjangoJSONEncoder))
            if handler.attach:
                handler.attach(draft, form)
            try:
                figures = json.loads(json.dumps(handler.compute(draft), cls=DjangoJSONEncoder))
            except (ParameterMissing, ValidationError) as exc:
                messages = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
                ctx["errors"] = [("", messages)]
            else:
                ctx["figures"] = figures
        else:
            ctx["errors"] = [
                (form.fields[f].label if f in form.fields else "", [str(m) for m in errs])
                for f, errs in form.errors.items()
            ]
        return TemplateResponse(request, "registration/_preview.html", ctx)
