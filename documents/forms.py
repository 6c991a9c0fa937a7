"""Forms of the document pages. They check input shape; the actions check files and rights."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Chapter, DocType


class StyledForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.Select):
                widget.attrs["class"] = "form-select"
            else:
                widget.attrs["class"] = "form-control"

    def error_text(self) -> str:
        return "；".join(str(e) for errors in self.errors.values() for e in errors)


def _file_field():
    # The action checks emptiness, size, format and name with Chinese messages naming limits.
    return forms.FileField(label=_("文件"), required=False, allow_empty_file=True)


class UploadForm(StyledForm):
    doc_type = forms.ChoiceField(
        label=_("材料类型"),
        choices=DocType.choices,
        error_messages={"required": _("请选择材料类型。"), "invalid_choice": _("请选择材料类型。")},
    )
    title = forms.CharField(label=_("文件名称"), max_length=200, required=False)
    chapter = forms.ChoiceField(
        label=_("章节"),
        choices=[("", "—"), *Chapter.choices],
        required=False,
        error_messages={"invalid_choice": _("请选择有效的章节。")},
    )
    note = forms.CharField(label=_("说明"), max_length=500, required=False)
    file = _file_field()


class VersionForm(StyledForm):
    file = _file_field()
    note = forms.CharField(label=_("修改说明"), max_length=500, required=False)


class WithdrawForm(StyledForm):
    reason = forms.CharField(
        label=_("作废原因"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("请填写作废原因。")},
    )
