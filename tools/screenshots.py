"""Screenshots of the main pages, as the demo's EM sees them, at a phone's width and a laptop's:
``make screenshots`` writes them into docs/screenshots/ (the README shows two).

It starts ``remit serve --demo`` on a throw-away database and a free port, signs in as ezra (the EM) in
Debian's Chromium through Playwright, and saves one PNG per page and width. It needs /usr/bin/chromium
(``apt-get install chromium``); nothing is downloaded.

    python tools/screenshots.py [--out docs/screenshots]
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
from playwright.sync_api import sync_playwright

CHROMIUM = Path("/usr/bin/chromium")
REMIT = str(Path(sys.executable).with_name("remit"))
PAGES = [
    ("queue", "/"),
    ("decision", "/decisions/2"),
    ("charter", "/charter"),
    ("charter-propose", "/charter/propose"),
    ("insights", "/insights"),
    ("incident", "/incidents/2"),
    ("bugs", "/bugs"),
    ("notifications", "/notifications"),
]
WIDTHS = {"phone": 390, "laptop": 1440}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def serve(folder: Path, port: int) -> subprocess.Popen[bytes]:
    command = [REMIT, "--database", f"sqlite:///{folder / 'remit.db'}", "serve", "--demo", "--port", str(port)]
    env = {key: value for key, value in os.environ.items() if not key.startswith("REMIT_")}
    server = subprocess.Popen(command, cwd=folder, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # noqa: S603
    for _ in range(300):
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return server
        except httpx.HTTPError:
            time.sleep(0.1)
    server.terminate()
    raise SystemExit(f"remit serve did not answer on port {port}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--out", type=Path, default=Path("docs/screenshots"))
    args = parser.parse_args(argv)
    if not CHROMIUM.exists():
        raise SystemExit("screenshots need Chromium at /usr/bin/chromium: apt-get install chromium")
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        port = free_port()
        server = serve(Path(tmp), port)
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=["--headless", "--no-sandbox"])
                for width_name, width in WIDTHS.items():
                    page = browser.new_page(
                        base_url=f"http://127.0.0.1:{port}", viewport={"width": width, "height": 900}
                    )
                    page.goto("/login")
                    page.get_by_label("Name (handle)").fill("ezra")
                    page.get_by_label("Password").fill("remit-demo-pass")
                    page.get_by_role("button", name="Sign in").click()
                    page.wait_for_url("**/")
                    for name, path in PAGES:
                        page.goto(path)
                        target = args.out / f"{name}-{width_name}.png"
                        page.screenshot(path=str(target), full_page=width_name == "phone")
                        print(f"wrote {target}")
                    page.close()
                browser.close()
        finally:
            server.terminate()
            server.wait(10)
    return 0


if __name__ == "__main__":
    sys.exit(main())
