#!/usr/bin/python3
"""Writes image INDEX of an IDX images file (the MNIST family) as a grey-scale PNG, for trying
`heed predict RUN image.png`.

Usage: python3 idx_to_png.py IMAGES INDEX OUT.png
Python 3 standard library only (gzip, struct, zlib).
"""
import gzip
import struct
import sys
import zlib


def main():
    images, index, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    opener = gzip.open if images.endswith(".gz") else open
    with opener(images, "rb") as f:
        data = f.read()
    magic, n, h, w = struct.unpack(">IIII", data[:16])
    assert magic == 0x803 and 0 <= index < n, f"{images}: no image {index} (magic {magic:#x}, {n})"
    px = data[16 + index * h * w:16 + (index + 1) * h * w]
    raw = b"".join(b"\x00" + px[y * w:(y + 1) * w] for y in range(h))

    def chunk(kind, body):
        crc = zlib.crc32(kind + body) & 0xFFFFFFFF
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    with open(out, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n")
        f.write(chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 0, 0, 0, 0)))
        f.write(chunk(b"IDAT", zlib.compress(raw)))
        f.write(chunk(b"IEND", b""))


if __name__ == "__main__":
    main()
