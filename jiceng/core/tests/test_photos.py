"""Photos: a file that declares too many pixels is refused from its header, before decoding."""

import io
import struct
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from jiceng.core.photos import PhotoError, photo_clean


def _png_declaring(width: int, height: int) -> bytes:
    """A small PNG whose header claims width × height (the pixel data is a stub)."""
    buf = io.BytesIO()
    Image.new("L", (1, 1)).save(buf, "PNG")
    data = bytearray(buf.getvalue())
    ihdr = bytearray(data[12:29])  # b"IHDR" + 13 bytes of fields
    ihdr[4:12] = struct.pack(">II", width, height)
    data[8:33] = struct.pack(">I", 13) + ihdr + struct.pack(">I", zlib.crc32(ihdr))
    return bytes(data)


@pytest.mark.parametrize("side", [14000, 11000, 6400])
def test_it_refuses_a_photo_above_the_pixel_budget_before_decoding(settings, side):
    settings.PHOTO_MAX_PIXELS = 40_000_000
    upload = SimpleUploadedFile("big.png", _png_declaring(side, side), content_type="image/png")
    assert upload.size < 1000
    with pytest.raises(PhotoError) as exc:
        photo_clean(upload)
    assert "百万像素" in str(exc.value) and "big.png" in str(exc.value)


def test_a_photo_within_the_budget_is_re_encoded(settings):
    settings.PHOTO_MAX_PIXELS = 40_000_000
    buf = io.BytesIO()
    Image.new("RGB", (64, 48), "red").save(buf, "PNG")
    cleaned = photo_clean(SimpleUploadedFile("ok.png", buf.getvalue()))
    assert Image.open(cleaned).size == (64, 48)


def test_a_file_picker_says_photo_only_where_it_takes_photos_only():
    from django import forms
    from django.template.loader import render_to_string

    from jiceng.core.photos import MultiplePhotoField

    class Upload(forms.Form):
        photos = MultiplePhotoField(label="照片", required=False)
        evidence = forms.FileField(label="证明材料（PDF 或照片）", required=False)

    html = render_to_string("form_fields.html", {"form": Upload()})
    photo, evidence = html.split('for="id_evidence"')[0], html.split('id="id_evidence"')[1]
    assert "选择照片" in photo and "还没有选照片" in photo
    assert "选择文件" in evidence and "还没有选文件" in evidence and "照片</span>" not in evidence
