"""Page forms: Bootstrap styling, and the one adapter that renders a contract as a form.

``contract_form(Contract, …)`` builds a Django form whose fields only carry the raw text the
user typed; on ``is_valid`` the contract validates it, so a page shows exactly the messages
the API gives (``core.contracts``). Choices that depend on the object or the user (a unit's
master-plan items, a review's colleagues) are given by the caller.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .contracts import UI, Contract, ui_of
from .errors import ActionInvalid
from .widgets import DateInput


class StyledForm(forms.Form):
    """A form with Bootstrap classes on every widget, and a way to put an action's errors
    (``ActionInvalid.errors``) onto its fields."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style(self)

    def add_action_errors(self, errors: Mapping[str, Any]) -> None:
        for name, message in errors.items():
            self.add_error(name if name in self.fields else None, message)


def style(form: forms.BaseForm) -> None:
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput):
            widget.attrs["class"] = "form-check-input"
        elif isinstance(widget, forms.Select | forms.SelectMultiple):
            widget.attrs.setdefault("class", "form-select")
        else:
            widget.attrs["class"] = "form-control"
        if getattr(field, "govit_required", False):
            widget.attrs["aria-required"] = "true"


def _wan_text(value: Any) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return str(value)


def _form_field(
    name: str, ui: UI, choices: Iterable[tuple[Any, Any]] | None
) -> dict[str, forms.Field]:
    """The raw form field(s) of one contract field (the contract checks the values)."""
    common: dict[str, Any] = {"label": ui.label, "required": False, "help_text": ui.help}
    if ui.kind == "opinions":
        fields: dict[str, forms.Field] = {}
        for key, text in ui.keys:
            f = forms.CharField(
                label=text, required=False, widget=forms.Textarea(attrs={"rows": ui.rows or 2})
            )
            f.govit_required = ui.required  # type: ignore[attr-defined]
            f.govit_group = (name, ui.label)  # type: ignore[attr-defined]
            fields[f"{name}__{key}"] = f
        return fields
    field: forms.Field
    if ui.kind == "textarea":
        field = forms.CharField(widget=forms.Textarea(attrs={"rows": ui.rows}), **common)
    elif ui.kind == "bool":
        field = forms.BooleanField(**common)
    elif ui.kind == "date":
        field = forms.CharField(widget=DateInput(), **common)
    elif ui.kind == "money":
        field = forms.CharField(widget=forms.TextInput(attrs={"inputmode": "decimal"}), **common)
    elif ui.kind == "int":
        field = forms.CharField(widget=forms.TextInput(attrs={"inputmode": "numeric"}), **common)
    elif ui.kind == "password":
        widget = forms.PasswordInput(attrs={"autocomplete": "new-password"})
        field = forms.CharField(widget=widget, strip=False, **common)
    elif ui.kind == "file":
        field = forms.FileField(allow_empty_file=True, **common)
    elif ui.kind == "multi":
        # a long list gets a search box (static/govit/app.js) and shows ten rows at once
        searchable = forms.SelectMultiple(attrs={"data-searchable": "", "size": 10})
        field = forms.MultipleChoiceField(choices=list(choices or ()), widget=searchable, **common)
    elif ui.kind == "choice":
        options = list(choices) if choices is not None else list(ui.choices)
        field = forms.ChoiceField(choices=[("", "—"), *options], **common)
    else:
        attrs = {"maxlength": ui.max_length} if ui.max_length else {}
        field = forms.CharField(widget=forms.TextInput(attrs=attrs), **common)
    # a mark for the template (a required star); form fields declare no such attribute
    field.govit_required = ui.required  # type: ignore[union-attr]
    field.govit_required_when = ui.required_when  # type: ignore[union-attr]
    return {name: field}


class ContractForm(StyledForm):
    """A form over a contract; ``contract`` holds the validated input after ``is_valid``."""

    contract_class: type[Contract]
    contract: Contract | None = None
    sections: tuple[tuple[Any, tuple[str, ...]], ...] = ()
    fixed: Mapping[str, Any] = {}
    #: how the input is validated (an action's ``parse_for``); the contract's ``parse`` if None
    parser: Any = None

    def clean(self) -> dict[str, Any]:
        raw = super().clean()
        if raw is None:  # Form.clean returns cleaned_data; the stubs allow an override's None
            raw = self.cleaned_data
        data: dict[str, Any] = {}
        for name, info in self.contract_class.model_fields.items():
            ui = ui_of(info)
            if ui is not None and ui.kind == "opinions":
                data[name] = {
                    key: raw.get(f"{name}__{key}", "")
                    for key, _text in ui.keys
                    if raw.get(f"{name}__{key}", "")
                }
            elif name in self.fields:
                data[name] = raw.get(name)
        data.update(self.fixed)
        try:
            self.contract = (self.parser or self.contract_class.parse)(data)
        except ActionInvalid as exc:
            self.add_action_errors(self._form_keys(exc.errors))
        return raw

    def _form_keys(self, errors: Mapping[str, Any]) -> dict[str, Any]:
        """Errors of an ``opinions`` field go to its first missing box."""
        mapped: dict[str, Any] = {}
        for key, message in errors.items():
            if key in self.fields:
                mapped[key] = message
                continue
            boxes = [n for n in self.fields if n.startswith(f"{key}__")]
            empty = [n for n in boxes if not self.cleaned_data.get(n)]
            target = next(iter(empty or boxes), None)
            mapped[target or "__all__"] = message
        return {k if k != "__all__" else None: v for k, v in mapped.items()}  # type: ignore[misc]

    def add_action_errors(self, errors: Mapping[str, Any]) -> None:
        for name, message in self._form_keys(errors).items():
            self.add_error(name if name in self.fields else None, message)

    @property
    def grouped(self) -> list[tuple[Any, list[forms.BoundField]]]:
        """The bound fields by section (all in one untitled section when none are declared)."""
        if not self.sections:
            return [("", [self[n] for n in self.fields])]
        groups = []
        placed: set[str] = set()
        for title, names in self.sections:
            bound = []
            for name in names:
                for field_name in self.fields:
                    if field_name == name or field_name.startswith(f"{name}__"):
                        bound.append(self[field_name])
                        placed.add(field_name)
            if bound:
                groups.append((title, bound))
        rest = [self[n] for n in self.fields if n not in placed]
        if rest:
            groups.append((_("其他"), rest))
        return groups


def contract_form(
    contract: type[Contract],
    data: Mapping[str, Any] | None = None,
    *,
    initial: Mapping[str, Any] | None = None,
    prefix: str | None = None,
    choices: Mapping[str, Iterable[tuple[Any, Any]]] | None = None,
    exclude: Iterable[str] = (),
    fixed: Mapping[str, Any] | None = None,
    parser: Any = None,
    files: Mapping[str, Any] | None = None,
) -> ContractForm:
    """A page form for ``contract``. ``choices`` gives the options of reference fields,
    ``exclude`` leaves fields off the page and ``fixed`` supplies them instead; ``files`` are
    the uploaded files of a form with an ``Upload`` field."""
    choices = dict(choices or {})
    excluded = set(exclude) | set(fixed or {})
    fields: dict[str, forms.Field] = {}
    for name, info in contract.model_fields.items():
        ui = ui_of(info)
        if ui is None or name in excluded:
            continue
        fields.update(_form_field(name, ui, choices.get(name)))
    form_class = type(
        f"{contract.__name__}Form",
        (ContractForm,),
        {**fields, "contract_class": contract, "sections": contract.SECTIONS},
    )
    form: ContractForm = form_class(
        data, files, initial=_initial(contract, initial or {}), prefix=prefix
    )
    form.fixed = dict(fixed or {})
    form.parser = parser
    return form


def _initial(contract: type[Contract], values: Mapping[str, Any]) -> dict[str, Any]:
    initial: dict[str, Any] = {}
    for name, value in values.items():
        info = contract.model_fields.get(name)
        ui = ui_of(info) if info else None
        if ui is None:
            continue
        if ui.kind == "opinions" and isinstance(value, Mapping):
            for key, text in value.items():
                initial[f"{name}__{key}"] = text
        elif ui.kind == "money":
            initial[name] = _wan_text(value)
        elif ui.kind == "date" and value is not None and hasattr(value, "isoformat"):
            initial[name] = value.isoformat()
        elif value is not None:
            initial[name] = value
    return initial


YEAR_ERRORS = {
    "required": _("请填写年度。"),
    "invalid": _("请填写四位年份，如 2025。"),
    "min_value": _("年度不能早于 2000 年。"),
    "max_value": _("年度不能晚于 2100 年。"),
}
