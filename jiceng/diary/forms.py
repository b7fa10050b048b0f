"""Input of the moral diary: writing an entry, and claiming points for one."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jiceng.bank.forms import ClaimForm
from jiceng.bank.models import Category
from jiceng.core.forms import Form
from jiceng.core.photos import MultiplePhotoField


class DiaryForm(Form):
    date = forms.DateField(label=_("日期"), widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}))
    category = forms.ChoiceField(label=_("类别"), choices=Category.choices)
    text = forms.CharField(
        label=_("今天做了什么好事、有什么感想"), widget=forms.Textarea(attrs={"rows": 4}), max_length=2000
    )
    photos = MultiplePhotoField(label=_("照片（可选）"), required=False)
    is_shared = forms.BooleanField(label=_("公开分享（不勾选则只有自己能看）"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["date"].initial = timezone.localdate()


class DiaryClaimForm(ClaimForm):
    """A claim from an entry: the entry is the text, the date and the photos; the resident picks
    the rule (nothing preselected) and whether the entry's words may show on the board."""

    def __init__(self, *args, entry, rules, **kwargs):
        super().__init__(*args, rules=rules, **kwargs)
        for name in ("deed_date", "text", "photos"):
            del self.fields[name]
