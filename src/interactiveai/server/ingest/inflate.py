"""Request bodies sent with a Content-Encoding (gzip, deflate), inflated within a size limit."""

from __future__ import annotations

import zlib

from interactiveai.server.errors import BadRequestError, PayloadTooLargeError


def inflate(body: bytes, encoding: str | None, limit: int | None) -> bytes:
    """Undo Content-Encoding, refusing output past `limit` bytes (a zip bomb stays small)."""
    enc = (encoding or "").strip().lower()
    if enc in ("", "identity"):
        return body
    if enc in ("gzip", "x-gzip"):
        wbits = 16 + zlib.MAX_WBITS
    elif enc == "deflate":
        # RFC 9110 deflate is zlib-wrapped, but raw deflate is common; the header tells them apart.
        wbits = zlib.MAX_WBITS if body[:1] == b"\x78" else -zlib.MAX_WBITS
    else:
        raise BadRequestError(
            f"Content-Encoding {encoding!r} is not supported; use gzip, deflate or none"
        )
    try:
        inflater = zlib.decompressobj(wbits)
        out = inflater.decompress(body, limit + 1 if limit else 0)
    except zlib.error as exc:
        raise BadRequestError(f"body is not valid {enc} data: {exc}") from None
    if limit and (len(out) > limit or inflater.unconsumed_tail):
        raise PayloadTooLargeError(f"decompressed body is over the limit of {limit} bytes")
    if not inflater.eof:
        raise BadRequestError(f"body is not valid {enc} data: truncated stream")
    return out
