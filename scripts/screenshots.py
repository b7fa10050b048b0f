"""Screenshots of the running demo for a person to look at: python scripts/screenshots.py [BASE_URL]."""

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

BASE = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000"
PASSWORD = "jiceng-demo-2026"
OUT = Path("var/shots")
PAGES = {
    "district": ["/overview/", "/overview/510107001000/", "/people/", "/orgs/", "/regions/", "/audit/"],
    "worker": ["/work/", "/people/import/", "/bank/review/", "/bank/notices/"],
    "unit": ["/unit/"],
    "resident": ["/me/", "/me/profile/", "/diary/", "/bank/claims/mine/", "/bank/notices/", "/bank/me/"],
}


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    only = set(sys.argv[2:])
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        for user, paths in PAGES.items():
            if only and user not in only:
                continue
            for width in (360, 1280):
                page = browser.new_page(viewport={"width": width, "height": 800}, locale="zh-CN")
                page.goto(BASE + "/login/")
                page.fill("input[name=username]", user)
                page.fill("input[name=password]", PASSWORD)
                page.click("button[type=submit]")
                page.wait_for_load_state()
                for path in paths:
                    page.goto(BASE + path)
                    page.wait_for_timeout(300)
                    name = f"{user}{path.replace('/', '_')}{width}.png"
                    page.screenshot(path=str(OUT / name), full_page=True)
                    print(OUT / name)
                page.close()
        browser.close()


if __name__ == "__main__":
    main()
