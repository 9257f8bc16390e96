"""Build copydesk/extract/stopwords.txt from jusText's stop-word lists (BSD-2).

jusText is a dev dependency only; the generated file ships with the package so the
run-time code needs nothing but the standard library and numpy. Each list is
frequency-ordered, so the first `TOP_WORDS` entries are the function words.

    python bench/build_stopwords.py
"""

from __future__ import annotations

from pathlib import Path

import justext

LANGUAGES = {
    "en": "English", "de": "German", "fr": "French", "es": "Spanish", "it": "Italian",
    "pt": "Portuguese", "nl": "Dutch", "sv": "Swedish", "da": "Danish",
    "no": "Norwegian_Bokmal", "fi": "Finnish", "pl": "Polish", "cs": "Czech",
    "sk": "Slovak", "hu": "Hungarian", "ro": "Romanian", "tr": "Turkish", "ru": "Russian",
    "uk": "Ukrainian", "el": "Greek", "hr": "Croatian", "sl": "Slovenian",
    "id": "Indonesian", "ca": "Catalan", "bg": "Bulgarian", "vi": "Vietnamese",
}  # fmt: skip
TOP_WORDS = 200
OUT = Path(__file__).resolve().parent.parent / "copydesk" / "extract" / "stopwords.txt"


def main() -> None:
    """Write one line per language: code, a tab, then its top stop words."""
    rows = ["# Top stop words per language, from jusText's stoplists (BSD-2-Clause)."]
    for code, name in LANGUAGES.items():
        words: list[str] = []
        ordered = (Path(justext.__file__).parent / "stoplists" / f"{name}.txt").read_text(
            encoding="utf-8"
        )
        for word in ordered.split():
            low = word.lower()
            if low not in words:
                words.append(low)
            if len(words) == TOP_WORDS:
                break
        rows.append(f"{code}\t{' '.join(words)}")
    OUT.write_text("\n".join(rows) + "\n", encoding="utf-8")
    print(f"wrote {OUT} ({len(LANGUAGES)} languages)")


if __name__ == "__main__":
    main()
