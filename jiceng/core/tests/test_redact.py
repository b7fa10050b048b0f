"""The one redaction of free text on public pages and in the audit trail."""

from jiceng.core.redact import redact


def test_it_masks_phones_however_they_are_typed():
    for typed in ("13812345678", "138 1234 5678", "138-1234-5678", "+86 13812345678"):
        assert redact(f"请打{typed}找我") == "请打138****5678找我", typed
    assert redact("座机 028-85551234") == "座机 028****1234"


def test_it_hides_id_numbers_whole_and_half_masked():
    assert "11010519491231002X" not in redact("身份证 11010519491231002X")
    assert "1101051949" not in redact("身份证 110105194912****2X 的老人")


def test_it_leaves_ordinary_text_dates_and_codes_alone():
    text = "2024-05-01 在 3 号楼帮忙 120 分钟，社区代码 510107001001"
    assert redact(text) == text
    assert redact("") == "" and redact(None) == ""
