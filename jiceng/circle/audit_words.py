"""Sentences of the service circle's audit codes, shown on the audit log page."""

from django.utils.translation import gettext_lazy as _

SENTENCES = {
    "circle.places_import": _("%(actor)s 为「%(target)s」导入了服务阵地"),
    "circle.points_import": _("%(actor)s 为「%(target)s」导入了居民点位"),
    "circle.network_import": _("%(actor)s 导入了步行路网「%(target)s」"),
    "circle.place_photo_add": _("%(actor)s 为服务阵地「%(target)s」上传了照片"),
    "circle.export": _("%(actor)s 导出了服务圈覆盖表"),
}
