"""The deployment's secrets, generated once into `var/secrets.json` for a machine without an operator.

`make run` calls `python -m jiceng.keys` before anything else, so the demo serves with
DEBUG off exactly as production does, and every `jiceng` command on that checkout reads
the same keys. Production sets the same values as environment variables instead
(docs/deploy.md); an environment variable always wins over the file.

This module needs no Django settings: settings import `load` from it.
"""

import base64
import json
import os
import secrets
import sys
from pathlib import Path

FILENAME = "secrets.json"
NAMES = ("SECRET_KEY", "FIELD_ENCRYPTION_KEY", "LOOKUP_HASH_KEY", "LEDGER_SIGNER_KEY")


def load(var_dir: Path) -> dict[str, str]:
    """The secrets in `var_dir`, or {} when none were generated there."""
    path = Path(var_dir) / FILENAME
    if not path.exists():
        return {}
    data = json.loads(path.read_text())
    return {k: str(v) for k, v in data.items() if k in NAMES and v}


def generate(var_dir: Path, key_name: str = "jiceng-moral-bank") -> Path:
    """Write the secrets file once; a second call keeps what is there (rotating keys is a decision)."""
    from jiceng.transparency import generate_signer_key

    var_dir = Path(var_dir)
    var_dir.mkdir(parents=True, exist_ok=True)
    path = var_dir / FILENAME
    current = load(var_dir)
    # A development checkout may already sign checkpoints with this key: keep it, so they still verify.
    old_signer = var_dir / "ledger-signer.key"
    values = {
        "SECRET_KEY": current.get("SECRET_KEY") or secrets.token_urlsafe(50),
        "FIELD_ENCRYPTION_KEY": current.get("FIELD_ENCRYPTION_KEY")
        or base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
        "LOOKUP_HASH_KEY": current.get("LOOKUP_HASH_KEY") or secrets.token_hex(32),
        "LEDGER_SIGNER_KEY": current.get("LEDGER_SIGNER_KEY")
        or (old_signer.read_text().strip() if old_signer.exists() else generate_signer_key(key_name)[0]),
    }
    if values != current:
        tmp = path.with_suffix(".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as f:
            json.dump(values, f, indent=1)
        tmp.replace(path)
    return path


if __name__ == "__main__":
    default = os.environ.get("JICENG_VAR_DIR") or Path(__file__).resolve().parent.parent / "var"
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(default)
    print(f"密钥文件 / secrets: {generate(target)}")
