"""Take the README's screenshot of a report: the top of the page as a reader's browser shows it.

    python docs/report_screenshot.py report.html docs/report.png

Uses the same headless Chromium check as the report's browser test (tests/browser.py: Debian's
chromium driven by playwright, offline), refuses a page with console errors or unrendered
images, and keeps the first ``--height`` pixels of the full-page screenshot.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from browser import open_page  # noqa: E402
from PIL import Image  # noqa: E402  (pillow comes with matplotlib)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("report")
    parser.add_argument("output")
    parser.add_argument("--height", type=int, default=1400)
    parser.add_argument("--width", type=int, default=1280)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        full = Path(folder) / "full.png"
        check = open_page(args.report, full, width=args.width)
        if not check.ok:
            print(f"the report does not render cleanly: {check.problems()}", file=sys.stderr)
            return 1
        with Image.open(full) as image:
            image.crop((0, 0, image.width, min(image.height, args.height))).save(args.output, optimize=True)
    print(f"{args.output}: top {args.height} px of {args.report} ({len(check.images)} images, all rendered)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
