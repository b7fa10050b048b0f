"""Photos residents upload (claim evidence, diary entries): the form field and the cleaner.

Every photo is re-encoded on the way in, so the EXIF block (the GPS location of a
resident's home included) never reaches storage.
"""

import io

from django import forms
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

ALLOWED_IMAGE_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
MAX_PHOTO_BYTES = 8 * 1024 * 1024
MAX_PHOTOS = 6


class PhotoError(ValueError):
    """A photo was refused; the message says which one and what to do."""


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultiplePhotoField(forms.FileField):
    """Several photos in one input; cleaned to a list (empty when none were chosen)."""

    widget = MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"})

    def clean(self, data, initial=None):
        if not data:
            return []
        items = data if isinstance(data, list | tuple) else [data]
        return [super(MultiplePhotoField, self).clean(d, initial) for d in items]


def photo_clean(upload) -> ContentFile:
    """Check type and size, and re-encode so EXIF (GPS location included) is gone."""
    if upload.size > MAX_PHOTO_BYTES:
        raise PhotoError(_("照片“%(n)s”超过 8 MB，请压缩后再上传") % {"n": upload.name})
    try:
        image = Image.open(upload)
        fmt = image.format
        image.load()
    except (UnidentifiedImageError, OSError):
        raise PhotoError(
            _("“%(n)s”不是可识别的图片，请上传 JPG、PNG 或 WebP 照片") % {"n": upload.name}
        ) from None
    if fmt not in ALLOWED_IMAGE_FORMATS:
        raise PhotoError(_("不支持 %(f)s 格式，请上传 JPG、PNG 或 WebP 照片") % {"f": fmt})
    image = ImageOps.exif_transpose(image)
    out = io.BytesIO()
    if fmt == "JPEG":
        image.convert("RGB").save(out, "JPEG", quality=85)
    else:
        image.save(out, fmt)
    return ContentFile(out.getvalue(), name=f"photo.{ALLOWED_IMAGE_FORMATS[fmt]}")


def photos_clean(uploads) -> list[ContentFile]:
    """At most `MAX_PHOTOS` photos, each cleaned by `photo_clean`."""
    if len(uploads) > MAX_PHOTOS:
        raise PhotoError(_("最多上传 %(n)d 张照片") % {"n": MAX_PHOTOS})
    return [photo_clean(p) for p in uploads]
