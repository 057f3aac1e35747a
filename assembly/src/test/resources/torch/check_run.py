"""Independent check of a Heed run directory of the seed network (10 -> 10 tanh -> 5).

Reads weights.safetensors with numpy only (the format: 8-byte little-endian header length, JSON
header, 8-byte aligned data), checks every offset, loads the tensors into the equivalent PyTorch
module with strict=True (so the names must be PyTorch's state_dict names), and compares its
predictions with Heed's.

usage: python3 check_run.py RUN_DIR INPUTS.csv HEED_PREDICTIONS.csv
exit status 0 when everything agrees.
"""
import json
import struct
import sys

import numpy as np


def read_safetensors(path):
    data = open(path, "rb").read()
    (n,) = struct.unpack("<Q", data[:8])
    assert (8 + n) % 8 == 0, "data must start on an 8-byte boundary"
    header = json.loads(data[8:8 + n].decode("utf-8"))
    body = data[8 + n:]
    tensors, end = {}, 0
    entries = sorted((k, v) for k, v in header.items() if k != "__metadata__")
    for name, e in sorted(entries, key=lambda kv: kv[1]["data_offsets"][0]):
        begin, stop = e["data_offsets"]
        assert begin == end, f"{name}: hole or overlap at {begin}"
        dtype = {"F32": "<f4", "F64": "<f8", "I32": "<i4"}[e["dtype"]]
        arr = np.frombuffer(body[begin:stop], dtype=dtype)
        assert arr.size == int(np.prod(e["shape"])), f"{name}: size does not match shape"
        tensors[name] = arr.reshape(e["shape"]).copy()
        end = stop
    assert end == len(body), "trailing bytes after the last tensor"
    return tensors


def main():
    run_dir, inputs_csv, heed_csv = sys.argv[1:4]
    state = read_safetensors(f"{run_dir}/weights.safetensors")
    import torch

    model = torch.nn.Sequential(torch.nn.Linear(10, 10), torch.nn.Tanh(), torch.nn.Linear(10, 5))
    model.load_state_dict({k: torch.from_numpy(v) for k, v in state.items()}, strict=True)
    x = np.loadtxt(inputs_csv, delimiter=",", dtype=np.float32, ndmin=2)
    expected = np.loadtxt(heed_csv, delimiter=",", dtype=np.float64, ndmin=2)
    with torch.no_grad():
        got = model(torch.from_numpy(x)).double().numpy()
    err = np.abs(got - expected).max()
    print(f"max |torch - heed| = {err:.3g}")
    sys.exit(0 if err < 1e-5 else 1)


if __name__ == "__main__":
    main()
