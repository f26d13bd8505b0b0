"""htmx: validate the application form and compute its figures without saving anything (the
figures are kept on the case only when the teller saves), so the teller sees them live."""

from __future__ import annotations

import copy
import json

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.template.response import TemplateResponse
from django.views import View

from counterhall import permissions, registry, selectors
from counterhall.params import ParameterMissing


class CasePreviewView(LoginRequiredMixin, View):
    template_name = "benefits/_preview.html"

    def post(self, request, pk):
        case = selectors.case_detail(user=request.user, case_id=pk)
        if not permissions.can_change_case(case, request.user):
            raise PermissionDenied(permissions.explain_change_case(case, request.user))
        handler = registry.get_handler(case.business_type.code)
        form = handler.form_class(request.POST, case=case)
        ctx = {"case": case, "figures_template": handler.figures_template}
        if form.is_valid():
            draft = copy.copy(case)
            draft.payload = json.loads(json.dumps(form.to_payload(), cls=DjangoJSONEncoder))
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
        return TemplateResponse(request, self.template_name, ctx)
