from django import forms
from django.utils.translation import gettext_lazy as _

from jiceng.core.forms import Form
from jiceng.core.validators import validate_uscc
from jiceng.orgs.models import Incubation, Kind, Organization, PartyLevel, RegistrationType, Sector


class OrganizationForm(Form):
    """Registering or correcting an organisation; the credit code is checked here, on the field."""

    name = forms.CharField(label=_("名称"), max_length=200)
    kind = forms.ChoiceField(label=_("类型"), choices=Kind.choices)
    region = forms.ChoiceField(label=_("所在区划"))
    party_level = forms.ChoiceField(
        label=_("党组织层级"), choices=[("", "—")] + PartyLevel.choices, required=False
    )
    sector = forms.ChoiceField(label=_("新兴领域类别"), choices=[("", "—")] + Sector.choices, required=False)
    uscc = forms.CharField(
        label=_("统一社会信用代码"),
        max_length=18,
        required=False,
        help_text=_("18 位，按 GB 32100 校验最后一位"),
    )
    registration_type = forms.ChoiceField(
        label=_("登记类型（社会组织）"), choices=[("", "—")] + RegistrationType.choices, required=False
    )
    registered_on = forms.DateField(
        label=_("登记（备案）日期（社会组织）"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    incubation = forms.ChoiceField(
        label=_("孵化状态（社会组织）"), choices=[("", "—")] + Incubation.choices, required=False
    )
    address = forms.CharField(label=_("地址"), max_length=200, required=False)

    def __init__(self, *args, regions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [
            (r.code, f"{'　' * (len(r.prefix) // 3 - 2)}{r.name}") for r in regions
        ]

    @classmethod
    def initial_for(cls, org: Organization) -> dict:
        return {
            "name": org.name,
            "kind": org.kind,
            "region": org.region.code,
            "party_level": org.party_level,
            "sector": org.sector,
            "uscc": org.uscc,
            "registration_type": org.registration_type,
            "registered_on": org.registered_on,
            "incubation": org.incubation,
            "address": org.address,
        }

    def clean_uscc(self) -> str:
        code = self.cleaned_data["uscc"].strip()
        return validate_uscc(code) if code else ""
