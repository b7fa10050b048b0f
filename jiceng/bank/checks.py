"""Start-up check of the Moral Bank's signing key: it parses, its pair matches, and it signed the log.

Without this, a mistyped or swapped `LEDGER_SIGNER_KEY` surfaces only as a 500 on the
first proof a resident asks for.
"""

from django.core.checks import Error, Tags, register
from django.db import DatabaseError
from django.db.models import Max

from jiceng import transparency

_PROBE = "jiceng start-up check\n"


@register(Tags.security)
def ledger_signer_key_check(app_configs=None, **kwargs) -> list[Error]:
    from jiceng.bank import log

    try:
        signer = log.signer_key()
        verifier = transparency.verifier_from_signer(signer)
        transparency.open_note(transparency.sign_note(_PROBE, signer), verifier)
    except Exception as exc:  # noqa: BLE001 - every way a key can be wrong is reported the same way
        return [
            Error(
                f"LEDGER_SIGNER_KEY 无法使用（签名私钥与公钥不匹配或格式错误：{exc}）",
                hint="检查环境变量或 var/secrets.json 中的 LEDGER_SIGNER_KEY 是否完整复制；生成方法见 docs/deploy.md",
                id="jiceng.E101",
            )
        ]
    return _checkpoints_signed_by(verifier)


def _checkpoints_signed_by(verifier: str) -> list[Error]:
    """The latest checkpoint of each district must open with the configured key's verifier."""
    from jiceng.bank.models import Checkpoint

    errors = []
    try:
        tops = Checkpoint.objects.values("district_id").annotate(top=Max("size")).order_by()
        notes = [
            Checkpoint.objects.filter(district_id=t["district_id"], size=t["top"]).values_list(
                "note", flat=True
            )[0]
            for t in tops
        ]
    except DatabaseError:
        return []  # before `migrate`: nothing signed yet
    for note in notes:
        try:
            transparency.open_note(note, verifier)
        except transparency.VerificationError:
            errors.append(
                Error(
                    "LEDGER_SIGNER_KEY 与已发布的账本检查点不匹配：居民下载的证明将无法核验",
                    hint="换回签发这些检查点的原私钥（公开账本页上的公钥应保持不变）",
                    id="jiceng.E102",
                )
            )
            break
    return errors


@register(Tags.security)
def log_queue_triggers_check(app_configs=None, **kwargs) -> list[Error]:
    """The triggers that queue every final transfer for the log are on (`jiceng generate` pauses them
    while it writes, and a generator killed then would leave them off)."""
    from jiceng.bank import log

    try:
        off = log.queue_triggers_off()
    except DatabaseError:
        return []  # no database yet
    if not off:
        return []
    return [
        Error(
            f"透明日志队列的数据库触发器已停用（{'、'.join(off)}）：之后入账的流水不会进入透明日志",
            hint="多半是 jiceng generate 中途被强行终止。生成了一半的数据库不能使用，请换一个新数据库重新生成；"
            "若确需恢复，在数据库中执行 ALTER TABLE bank_transfer ENABLE ALWAYS TRIGGER <触发器名>",
            id="jiceng.E103",
        )
    ]
