"""The ``python -m jiceng.transparency verify PROOF.json [--key KEY]`` command."""

import argparse
import json
import sys
from collections.abc import Sequence

from .errors import VerificationError
from .verify import verify_bundle


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``python -m jiceng.transparency``; returns the exit status."""
    parser = argparse.ArgumentParser(
        prog="python -m jiceng.transparency",
        description="Verify Moral Bank transparency-log proofs without the server. / 离线核验积分账本证明。",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    verify = commands.add_parser("verify", help="verify a proof bundle / 核验证明文件")
    verify.add_argument("bundle", help="proof bundle JSON file, or - for standard input")
    verify.add_argument("--key", help="require this verifier key instead of the one in the bundle")
    args = parser.parse_args(argv)

    # Chinese output must not crash on a terminal with a narrow locale.
    if hasattr(sys.stdout, "reconfigure"):
        sys.stdout.reconfigure(errors="replace")
    try:
        if args.bundle == "-":
            raw = sys.stdin.buffer.read()
        else:
            with open(args.bundle, "rb") as handle:
                raw = handle.read()
        bundle = json.loads(raw.decode("utf-8"))
        summary = verify_bundle(bundle, trusted_key=args.key)
    except OSError as err:
        print(f"验证失败 / FAILED: cannot read {args.bundle}: {err.strerror or err}")
        return 1
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        print(f"验证失败 / FAILED: {args.bundle} is not a UTF-8 JSON file: {err}")
        return 1
    except VerificationError as err:
        print(f"验证失败 / FAILED: {err}")
        return 1
    print(f"验证通过 / verified: {summary}")
    return 0
