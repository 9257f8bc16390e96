"""One hash per dev page of the plain-text cleaner's whole output, to prove a speed-up
changed nothing.

    python bench/text_digest.py save /tmp/before.json     # before the change
    python bench/text_digest.py check /tmp/before.json    # after: lists pages that differ

The hash covers `Extraction.to_dict()`: title, paragraphs, removed spans with their kinds
and reasons, and metadata. `check` exits 1 when any page differs.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from copydesk.extract import extract_text  # noqa: E402


def page_digests(devset: Path) -> dict[str, str]:
    """File name -> SHA-256 of the canonical JSON of `extract_text` on that page."""
    digests = {}
    for path in sorted((devset / "text").glob("*.txt")):
        result = extract_text(path.read_text(encoding="utf-8")).to_dict()
        canonical = json.dumps(result, sort_keys=True, ensure_ascii=False)
        digests[path.name] = hashlib.sha256(canonical.encode("utf-8")).hexdigest()
    return digests


def main() -> None:
    """Save the digests, or compare them with a saved file."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mode", choices=("save", "check"))
    parser.add_argument("file", type=Path)
    parser.add_argument("--devset", type=Path, default=ROOT.parent / "shared" / "devset")
    args = parser.parse_args()
    digests = page_digests(args.devset)
    if args.mode == "save":
        args.file.write_text(json.dumps(digests, indent=0), encoding="utf-8")
        print(f"saved {len(digests)} page digests to {args.file}")
        return
    saved = json.loads(args.file.read_text(encoding="utf-8"))
    differ = sorted(
        name for name in saved.keys() | digests.keys() if saved.get(name) != digests.get(name)
    )
    print(
        f"{len(digests)} pages, {len(differ)} differ"
        + (f": {', '.join(differ[:20])}" if differ else "")
    )
    sys.exit(1 if differ else 0)


if __name__ == "__main__":
    main()
