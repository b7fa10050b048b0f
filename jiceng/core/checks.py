"""Start-up checks (`jiceng check`, run by `make run` and `jiceng serve`): configuration mistakes fail loudly.

The encryption key must load and round-trip, and the lookup key must be set, before a
single ID number is written with them. The ledger's signing keys are checked by the
bank's own check (`bank/checks.py`).
"""

from django.conf import settings
from django.core.checks import Error, Tags, register


@register(Tags.security)
def personal_data_keys_check(app_configs=None, **kwargs) -> list[Error]:
    from cryptography.fernet import Fernet

    errors = []
    try:
        fernet = Fernet(str(settings.FIELD_ENCRYPTION_KEY).encode())
        if fernet.decrypt(fernet.encrypt(b"check")) != b"check":
            raise ValueError
    except Exception:  # noqa: BLE001 - any failure to load is the one configuration mistake
        errors.append(
            Error(
                "FIELD_ENCRYPTION_KEY 无法使用：应为 Fernet 密钥（32 字节的 URL 安全 base64）",
                hint='用 python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())" '
                "生成，见 docs/deploy.md；已有数据时必须用原来的密钥",
                id="jiceng.E001",
            )
        )
    if len(str(settings.LOOKUP_HASH_KEY or "")) < 16:
        errors.append(
            Error(
                "LOOKUP_HASH_KEY 为空或太短（至少 16 个字符）",
                hint="设置一个长随机串；已有数据时必须用原来的密钥，否则查重失效",
                id="jiceng.E002",
            )
        )
    return errors
