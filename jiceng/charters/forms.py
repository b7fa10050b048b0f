from django import forms
from django.utils.translation import gettext_lazy as _

from jiceng.charters.models import CharterKind
from jiceng.core.forms import Form


class CharterForm(Form):
    community = forms.ModelChoiceField(label=_("社区"), queryset=None, empty_label=None)
    kind = forms.ChoiceField(label=_("类别"), choices=CharterKind.choices)
    title = forms.CharField(label=_("标题"), max_length=200)
    body = forms.CharField(
        label=_("全文（按条书写，如“第一条 ……”）"),
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 10}),
    )
    adopted_on = forms.DateField(label=_("居民会议日期"), widget=forms.DateInput(attrs={"type": "date"}))
    attendance = forms.IntegerField(label=_("到会人数"), min_value=1)
    votes_for = forms.IntegerField(label=_("赞成票"), min_value=0)
    votes_against = forms.IntegerField(label=_("反对票"), min_value=0)
    votes_abstain = forms.IntegerField(label=_("弃权票"), min_value=0)

    def __init__(self, *args, communities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].queryset = communities
