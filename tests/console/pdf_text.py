"""The text of a PDF as a reader's copy-and-paste would find it (pypdf), to check that the
report's Chinese headings and figures really are in the file, not empty boxes."""

from __future__ import annotations

import io

from pypdf import PdfReader


def pdf_pages(body: bytes) -> list[str]:
    """Each page's text; AssertionError when the bytes are not a PDF."""
    assert body.startswith(b"%PDF-"), body[:20]
    return [page.extract_text() for page in PdfReader(io.BytesIO(body)).pages]


def pdf_text(body: bytes) -> str:
    """The whole document's text, pages joined."""
    return "\n".join(pdf_pages(body))


def pdf_page_size(body: bytes) -> tuple[float, float]:
    """The first page's width and height in points (A4 is 595 × 842)."""
    box = PdfReader(io.BytesIO(body)).pages[0].mediabox
    return float(box.width), float(box.height)
