"""atheris fuzzing of the Python decode + preprocess path with malformed images.

    python fuzz/atheris_decode.py -max_total_time=300 -rss_limit_mb=4096 [corpus_dir]

The input's first 12 bytes choose a PreprocessSpec (size, resize policy, layout, dtype, channels,
interpolation), the backend (pybind11 / cffi), a ROI, an orientation override and the source kind
(bytes, file object, path); the rest is the image file. Seeds: small valid JPEG / PNG / GIF / BMP /
TIFF / WebP / PPM / ICO files (with EXIF orientation), written to the corpus directory when it is
empty, so libFuzzer mutates real file structure.

Contract checked: preprocess() returns an array of exactly spec.shape (finite values for float32)
or raises a ValuePixError subclass (InvalidImageError family, InvalidArgumentError for a bad ROI /
spec); anything else is a finding. Python warnings are silenced (Pillow emits UserWarnings).
"""
from __future__ import annotations

import io
import os
import sys
import tempfile
import warnings

import atheris

import numpy as np  # not instrumented (large, not under test)

with atheris.instrument_imports():
    import valuepix_core as vp
    from valuepix_core.preprocessing import decode as _decode  # noqa: F401
    from PIL import Image  # Pillow's Python format parsers are instrumented too
    Image.init()

warnings.simplefilter("ignore")
RESIZES = ["shorter_crop", "stretch", "letterbox"]
LAYOUTS = ["NCHW", "NHWC"]
DTYPES = ["float32", "uint8", "int8"]
CHANNELS = ["RGB", "BGR", "GRAY"]
INTERPS = ["auto", "bilinear", "area"]
TMP = tempfile.mkdtemp(prefix="vp-atheris-")


def seeds() -> dict[str, bytes]:
    rng = np.random.default_rng(1)
    out = {}
    arr = rng.integers(0, 256, (19, 27, 3), dtype=np.uint8)
    for fmt in ("JPEG", "PNG", "GIF", "BMP", "TIFF", "WEBP", "PPM", "ICO"):
        img = Image.fromarray(arr, "RGB")
        if fmt == "GIF":
            img = img.convert("P")
        buf = io.BytesIO()
        if fmt == "JPEG":
            exif = Image.Exif()
            exif[0x0112] = 6
            img.save(buf, fmt, quality=70, exif=exif.tobytes())
        else:
            img.save(buf, fmt)
        out[fmt] = buf.getvalue()
    for mode in ("L", "RGBA", "I;16", "1", "P", "LA"):
        buf = io.BytesIO()
        Image.fromarray(arr, "RGB").convert(mode).save(buf, "PNG")
        out["PNG-" + mode.replace(";", "")] = buf.getvalue()
    return out


NPARAM = 12  # bytes of parameters before the image file
# Findings (docs/reliability.md), fixed in decode.py (dd77310): IndexError from Pillow's PNG
# verify() (a PNG without IDAT) and TypeError "Missing dimensions" from Pillow's TIFF _setup escaped
# decode(); both are now InvalidImageError, so any recurrence fails this harness again.


def TestOneInput(data: bytes) -> None:
    prm = data[:NPARAM].ljust(NPARAM, b"\0")
    payload = data[NPARAM:]
    spec_kw = dict(width=1 + prm[0] % 64, height=1 + prm[1] % 64, resize=RESIZES[prm[2] % 3],
                   layout=LAYOUTS[prm[3] % 2], dtype=DTYPES[prm[4] % 3], channels=CHANNELS[prm[5] % 3],
                   interpolation=INTERPS[prm[6] % 3])
    spec_kw["shorter_side"] = max(spec_kw["width"], spec_kw["height"]) + prm[7] % 41
    backend = "cffi" if prm[8] & 1 else "pybind11"
    flags = prm[8] >> 1
    roi = (prm[9] % 9, prm[10] % 9, 1 + prm[11] % 40, 1 + (prm[11] >> 2) % 40) if flags & 1 else None
    orientation = 1 + prm[9] % 8 if flags & 2 else None
    try:
        spec = vp.PreprocessSpec(**spec_kw)
    except vp.InvalidArgumentError:
        return
    kind = (flags >> 2) & 3
    if kind == 1:
        source = io.BytesIO(payload)
    elif kind == 2:
        path = os.path.join(TMP, "img")
        with open(path, "wb") as f:
            f.write(payload)
        source = path
    else:
        source = payload
    try:
        out = vp.preprocess(source, spec, roi=roi, orientation=orientation, backend=backend, max_pixels=4_000_000)
    except vp.ValuePixError:
        return
    if out.shape != spec.shape:
        raise AssertionError(f"shape {out.shape} != spec {spec.shape}")
    if out.dtype == np.float32 and not np.isfinite(out).all():
        raise AssertionError("non-finite values in a float32 tensor")


def main() -> None:
    args = list(sys.argv)
    dirs = [a for a in args[1:] if not a.startswith("-")]
    if dirs and not os.path.isfile(dirs[0]):  # a corpus directory (a file argument just replays it)
        os.makedirs(dirs[0], exist_ok=True)
    if dirs and os.path.isdir(dirs[0]) and not os.listdir(dirs[0]):
        for name, blob in seeds().items():
            with open(os.path.join(dirs[0], "seed-" + name), "wb") as f:
                f.write(bytes(NPARAM) + blob)  # parameters (defaults), then the file
    atheris.Setup(args, TestOneInput)
    atheris.Fuzz()  # libFuzzer prints executions / coverage (-print_final_stats=1) and exits


if __name__ == "__main__":
    main()
