"""A tiny hand-written PDF writer for tests and benchmarks: text pages in Helvetica, optional
metadata, image-only pages that look like a scan, and a password-protected variant.

No library writes these, so the reader under test never reads files made by its own kind.
"""

from __future__ import annotations

import hashlib


def _escape(text: str) -> bytes:
    """A PDF literal string in WinAnsi (Latin-1 covers what the tests write)."""
    raw = text.encode("latin-1", errors="replace")
    return raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")


def _text_stream(text: str) -> bytes:
    lines = [_escape(line) for line in text.split("\n")]
    body = b" T*\n".join(b"(" + line + b") Tj" for line in lines)
    return b"BT /F1 11 Tf 50 800 Td 14 TL\n" + body + b"\nET"


def _stream(dictionary: bytes, data: bytes) -> bytes:
    return b"<< " + dictionary + b" /Length %d >>\nstream\n" % len(data) + data + b"\nendstream"


def pdf_bytes(
    pages: list[str],
    *,
    title: str | None = None,
    created: str | None = None,
    scanned: bool = False,
    password: bool = False,
) -> bytes:
    """A PDF with one page per string (lines split on "\\n"). `created` is a PDF date
    ("D:20230320100000Z"). `scanned` draws a grey image on each page and no text; `password`
    adds a standard security handler whose empty user password does not open the file."""
    objects: list[bytes] = [b"", b""]  # the catalog and the page tree, filled in last
    objects.append(
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"
    )
    image = 0
    if scanned:
        objects.append(
            _stream(
                b"/Type /XObject /Subtype /Image /Width 16 /Height 16 /ColorSpace /DeviceGray "
                b"/BitsPerComponent 8",
                bytes(range(0, 256)),
            )
        )
        image = len(objects)
    kids = []
    for text in pages:
        content = b"q 500 0 0 700 50 70 cm /Im1 Do Q" if scanned else _text_stream(text)
        objects.append(_stream(b"", content))
        xobject = b" /XObject << /Im1 %d 0 R >>" % image if scanned else b""
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents %d 0 R "
            b"/Resources << /Font << /F1 3 0 R >>%s >> >>" % (len(objects), xobject)
        )
        kids.append(b"%d 0 R" % len(objects))
    objects[0] = b"<< /Type /Catalog /Pages 2 0 R >>"
    objects[1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (b" ".join(kids), len(kids))
    trailer = b""
    info = [b"/Producer (tests)"]
    if title is not None:
        info.append(b"/Title (" + _escape(title) + b")")
    if created is not None:
        info.append(b"/CreationDate (" + created.encode() + b")")
    objects.append(b"<< " + b" ".join(info) + b" >>")
    trailer += b" /Info %d 0 R" % len(objects)
    if password:
        file_id = hashlib.md5(b"".join(objects)).hexdigest().encode()
        owner, user = hashlib.sha256(b"owner").hexdigest()[:64], hashlib.sha256(b"u").hexdigest()
        objects.append(
            b"<< /Filter /Standard /V 1 /R 2 /O <%s> /U <%s> /P -44 >>"
            % (owner.encode(), user[:64].encode())
        )
        trailer += b" /Encrypt %d 0 R /ID [<%s> <%s>]" % (len(objects), file_id, file_id)
    return _assemble(objects, trailer)


def _assemble(objects: list[bytes], trailer: bytes) -> bytes:
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R%s >>\n" % (len(objects) + 1, trailer)
    out += b"startxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


def scanned_text_pdf(pages: list[str], *, dpi: int = 200) -> bytes:
    """A scan of text: each page of `pdf_bytes(pages)` rendered to a grey image (by PDFium, as
    a scanner would photograph print) and placed alone on an image-only page, no text layer."""
    import zlib

    import pypdfium2

    document = pypdfium2.PdfDocument(pdf_bytes(pages))
    images = []
    try:
        for page in document:
            bitmap = page.render(scale=dpi / 72, grayscale=True)
            raw, stride = bytes(bitmap.buffer), bitmap.stride
            rows = b"".join(
                raw[row * stride : row * stride + bitmap.width] for row in range(bitmap.height)
            )
            images.append((bitmap.width, bitmap.height, zlib.compress(rows)))
            bitmap.close()
            page.close()
    finally:
        document.close()
    objects: list[bytes] = [b"", b""]
    kids = []
    for width, height, data in images:
        objects.append(
            _stream(
                b"/Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray "
                b"/BitsPerComponent 8 /Filter /FlateDecode" % (width, height),
                data,
            )
        )
        image = len(objects)
        objects.append(_stream(b"", b"q 595 0 0 842 0 0 cm /Im1 Do Q"))
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents %d 0 R "
            b"/Resources << /XObject << /Im1 %d 0 R >> >> >>" % (len(objects), image)
        )
        kids.append(b"%d 0 R" % len(objects))
    objects[0] = b"<< /Type /Catalog /Pages 2 0 R >>"
    objects[1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (b" ".join(kids), len(kids))
    return _assemble(objects, b"")
