"""Other apps append their own demo loaders here (each idempotent), so the demo grows with the product."""

HOOKS: list = []
import jiceng.alliance.demo  # noqa: E402,F401
import jiceng.bank.demo_rewards  # noqa: E402,F401
