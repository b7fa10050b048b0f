"""Photos residents upload (claim evidence, diary entries): the form field and the cleaner.

Every photo is re-encoded on the way in, so the EXIF block (the GPS location of a
resident's home included) never reaches storage. Its pixel count is read from the
header and checked against `PHOTO_MAX_PIXELS` before a single pixel is decoded: a
small file can declare a picture that would take gigabytes to decode.
"""

import io
import warnings

from django import forms
from django.conf import settings
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


def _too_many_pixels(name: str) -> PhotoError:
    return PhotoError(
        _("照片“%(n)s”的尺寸太大（超过 %(m)d 百万像素），请用手机相册的“编辑”或“压缩”缩小后再上传")
        % {"n": name, "m": settings.PHOTO_MAX_PIXELS // 1_000_000}
    )


def image_open_checked(upload) -> Image.Image:
    """Open an uploaded image for reading, refusing one above the pixel budget before decoding it."""
    name = getattr(upload, "name", "") or _("照片")
    try:
        with warnings.catch_warnings():  # the pixel count is checked against our own budget below
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(upload)
    except Image.DecompressionBombError:
        raise _too_many_pixels(name) from None
    except (UnidentifiedImageError, OSError):
        raise PhotoError(_("“%(n)s”不是可识别的图片，请上传 JPG、PNG 或 WebP 照片") % {"n": name}) from None
    if image.width * image.height > settings.PHOTO_MAX_PIXELS:
        raise _too_many_pixels(name)
    return image


def photo_clean(upload) -> ContentFile:
    """Check type, size and pixel count, and re-encode so EXIF (GPS location included) is gone."""
    if upload.size > MAX_PHOTO_BYTES:
        raise PhotoError(_("照片“%(n)s”超过 8 MB，请压缩后再上传") % {"n": upload.name})
    image = image_open_checked(upload)
    fmt = image.format
    try:
        image.load()
    except (Image.DecompressionBombError, OSError, ValueError):
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
