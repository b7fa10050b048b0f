"""Rows of a resident roster, as an importer would send them."""

HEADER = "姓名,性别,出生日期,手机号,身份证号,社区代码,户号,住址,党员来源,所在党支部,入党日期"


def csv_bytes(*rows):
    return ("\n".join([HEADER, *rows]) + "\n").encode("utf-8")


def good_rows(code):
    return [
        f"张伟,男,1949-12-31,13800138000,11010519491231002X,{code},1-1-101,一号楼,退伍,,1975-07-01",
        f"王芳,女,,,440524188001010014,{code},1-1-101,一号楼,,,",
        f"李强,男,,,,{code},,,,,",
    ]
