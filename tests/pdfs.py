"""Reading the PDFs Kawal writes, as far as the tests need: how many pages, and how big."""

import re
import zlib

STREAM = re.compile(rb"stream\r?\n(.*?)\r?\nendstream", re.DOTALL)


def _objects(pdf: bytes) -> bytes:
    """The file with each compressed stream inflated (WeasyPrint packs objects in streams)."""
    parts = [pdf]
    for raw in STREAM.findall(pdf):
        try:
            parts.append(zlib.decompress(raw))
        except zlib.error:
            continue
    return b"\n".join(parts)


def page_count(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page(?![s\w])", _objects(pdf)))


def page_sizes(pdf: bytes) -> set[tuple[int, int]]:
    """Each page's MediaBox width and height in points, rounded (A4 is 595 x 842)."""
    boxes = re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", _objects(pdf))
    return {(round(float(w)), round(float(h))) for w, h in boxes}
