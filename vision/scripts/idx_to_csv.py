#!/usr/bin/python3
"""Writes an IDX image/label pair (the MNIST family) as CSV for `heed eval` and `heed predict`.

Usage: python3 idx_to_csv.py IMAGES LABELS OUT.csv [CLASS_NAME ...]
The header is pixel_<y>_<x> for every pixel, then `label`; pixels are divided by 255, as the
`idx` data set feeds them to the model. Class names, when given, replace the label numbers.
Python 3 standard library only (gzip, struct); any Python 3 runs it.
"""
import gzip
import struct
import sys


def read(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        return f.read()


def main():
    images, labels, out = sys.argv[1:4]
    names = sys.argv[4:]
    im = read(images)
    lb = read(labels)
    magic, n, rows, cols = struct.unpack(">IIII", im[:16])
    assert magic == 0x803, f"{images}: not IDX images (magic {magic:#x})"
    magic, m = struct.unpack(">II", lb[:8])
    assert magic == 0x801 and m == n, f"{labels}: not {n} IDX labels"
    size = rows * cols
    with open(out, "w") as f:
        header = [f"pixel_{y}_{x}" for y in range(rows) for x in range(cols)]
        f.write(",".join(header + ["label"]) + "\n")
        for i in range(n):
            px = im[16 + i * size:16 + (i + 1) * size]
            label = lb[8 + i]
            value = names[label] if names else str(label)
            f.write(",".join("%.6g" % (p / 255) for p in px) + "," + value + "\n")


if __name__ == "__main__":
    main()
