"""The base of every form, and the login form.

Every form in Jiceng derives from `Form` or `ModelForm` here, so that:

1. **Messages say what to do, plainly.** Django's stock messages ("这个字段是必填项。",
   "确保该值大于或等于1。") are replaced, field by field, with words a 70-year-old
   understands (`PLAIN_MESSAGES`). A message a form sets itself is kept.
2. **Every free-text field has a length limit and refuses malformed text.** A
   `CharField` declared without `max_length` gets `TEXT_MAX_LENGTH`; every one refuses
   lone surrogates and NUL characters (`core.validators.validate_text`), which no
   database can store. The API validates its input through these same forms, so a
   limit is declared once, on the form field, and holds on every path.
"""

from django import forms
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _

from jiceng.core.validators import validate_text

# The limit of a free-text field whose form does not set one (a claim's text sets 1,000).
TEXT_MAX_LENGTH = 2000

_NUMBER = {
    "invalid": _("这里要填一个数字，例如 30"),
    "min_value": _("这里的数字不能小于 %(limit_value)s，请改一下"),
    "max_value": _("这里的数字不能大于 %(limit_value)s，请改一下"),
    "step_size": _("这里的数字要是 %(limit_value)s 的整数倍，请改一下"),
    "max_digits": _("这里的数字位数太多了，请检查一下"),
    "max_decimal_places": _("小数点后的位数太多了，请少写几位"),
    "max_whole_digits": _("这里的数字太大了，请检查一下"),
}
_CHOICE = {
    "invalid_choice": _("请从列表里选一项"),
    "invalid_list": _("请从列表里选择"),
    "invalid_pk_value": _("请从列表里选择"),
}
_FILE = {
    "invalid": _("没有收到文件，请重新选择文件后再提交"),
    "missing": _("没有收到文件，请重新选择文件后再提交"),
    "empty": _("选择的文件是空的，请换一个文件"),
    "max_length": _("文件名太长了，请改短一些后再上传"),
    "contradiction": _("请只选择上传新文件或清除旧文件中的一项"),
    "invalid_image": _("这个文件不是照片，或者已经损坏，请换一张 JPG、PNG 照片"),
}

# Plain messages by error code, then by field type: the first match wins.
PLAIN_MESSAGES: list[tuple[type, dict]] = [
    (forms.IntegerField, {**_NUMBER, "invalid": _("这里要填一个整数，例如 30")}),
    (forms.DecimalField, _NUMBER),
    (forms.FloatField, _NUMBER),
    (forms.DateTimeField, {"invalid": _("日期和时间的格式不对，请写成 2024-01-31 09:30 这样")}),
    (forms.DateField, {"invalid": _("日期的格式不对，请写成 2024-01-31 这样")}),
    (forms.TimeField, {"invalid": _("时间的格式不对，请写成 09:30 这样")}),
    (forms.ChoiceField, _CHOICE),
    (forms.ModelChoiceField, _CHOICE),
    (forms.FileField, _FILE),
    (forms.URLField, {"invalid": _("网址的格式不对，请写成 https://… 这样")}),
    (
        forms.Field,
        {
            "required": _("这一项还没有填写，请填写后再提交"),
            "invalid": _("这一项填写的格式不对，请按提示重新填写"),
            "max_length": _("这一项最多填 %(limit_value)d 个字，现在有 %(show_value)d 个字，请删减一些"),
            "min_length": _("这一项至少要填 %(limit_value)d 个字，现在只有 %(show_value)d 个字"),
            "null_characters_not_allowed": _("这一项里有无法识别的字符，请删去后重新输入"),
        },
    ),
]


def _stock_messages(field: forms.Field) -> dict:
    """The messages Django would show for this field, so that only those are replaced."""
    stock = {}
    for cls in reversed(type(field).__mro__):
        stock.update(getattr(cls, "default_error_messages", {}))
    for validator in field.validators:
        code = getattr(validator, "code", None)
        if code and hasattr(validator, "message"):
            stock.setdefault(code, validator.message)
        stock.update(getattr(validator, "messages", {}))
    return stock


def plain_messages_for(field: forms.Field) -> dict:
    """The error messages of a field with every stock Django message put plainly."""
    stock = _stock_messages(field)
    codes = set(stock) | set(field.error_messages) | {"max_length", "min_length", "min_value", "max_value"}
    messages = dict(field.error_messages)
    for code in codes:
        current = messages.get(code, stock.get(code))
        if code in messages and stock.get(code) is not None and str(current) != str(stock[code]):
            continue  # the form's own message
        for cls, plain in PLAIN_MESSAGES:
            if isinstance(field, cls) and code in plain:
                messages[code] = plain[code]
                break
    return messages


class _Plain:
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.CharField):
                if field.max_length is None:
                    field.max_length = TEXT_MAX_LENGTH
                    field.validators.append(MaxLengthValidator(TEXT_MAX_LENGTH))
                    field.widget.attrs.setdefault("maxlength", str(TEXT_MAX_LENGTH))
                if validate_text not in field.validators:
                    field.validators.append(validate_text)
            field.error_messages = plain_messages_for(field)


class Form(_Plain, forms.Form):
    """Every Jiceng form derives from this one (see the module docstring)."""


class ModelForm(_Plain, forms.ModelForm):
    """Every Jiceng model form derives from this one (see the module docstring)."""


def form_errors_text(form: forms.BaseForm) -> str:
    """A form's errors as one line, each with its field's label, for the API's responses."""
    parts = []
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else None
        for message in errors:
            parts.append(f"{label}：{message}" if label else str(message))
    return "；".join(parts)


class LoginForm(Form):
    username = forms.CharField(label=_("手机号或用户名"), max_length=150)
    password = forms.CharField(label=_("密码"), widget=forms.PasswordInput, max_length=200)


class AuditFilterForm(Form):
    """The audit log's filters; every field may be left empty."""

    person = forms.CharField(label=_("操作人"), required=False, max_length=50)
    action = forms.ChoiceField(label=_("操作类型"), required=False)
    region = forms.ChoiceField(label=_("区划"), required=False)
    start = forms.DateField(
        label=_("开始日期"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": _("开始日期格式不对，请按 2026-01-31 的样式填写。")},
    )
    end = forms.DateField(
        label=_("结束日期"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": _("结束日期格式不对，请按 2026-01-31 的样式填写。")},
    )

    def __init__(self, *args, actions, regions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [("", _("全部操作"))] + list(actions)
        self.fields["action"].error_messages["invalid_choice"] = _("没有这种操作类型，请从列表中选择。")
        self.fields["region"].choices = [("", _("全部区划"))] + [(r.code, r.name) for r in regions]
        self.fields["region"].error_messages["invalid_choice"] = _(
            "这个区划不在您能查看的范围内，请从列表中选择。"
        )

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and start > end:
            self.add_error("end", _("结束日期早于开始日期，请把两个日期对调后再查询。"))
        return data
