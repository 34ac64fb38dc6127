"""Both bindings run the same C core: pybind11 (valuepix_core._native) and the cffi ABI loader of
libvaluepix.so declared from the public header. Their outputs must be bit-identical."""
from __future__ import annotations

import shutil
import subprocess

import numpy as np
import pytest

import valuepix_core as vp
from valuepix_core import cffi_binding
from valuepix_core.preprocessing.frame import Frame, frame_bytes
from valuepix_core.preprocessing.native import get_backend

FORMATS = {"RGB": 3, "BGR": 3, "RGBA": 4, "BGRA": 4, "GRAY": 1, "NV12": 1, "NV21": 1, "I420": 1}


@pytest.mark.parametrize("seed", range(60))
def test_pybind11_and_cffi_bit_identical(seed):
    rng = np.random.default_rng(1000 + seed)
    fmt = list(FORMATS)[seed % len(FORMATS)]
    w, h = int(rng.integers(1, 200)), int(rng.integers(1, 200))
    stride = w * FORMATS[fmt] + int(rng.integers(0, 7))
    data = rng.integers(0, 256, frame_bytes(w, h, fmt, stride), dtype=np.uint8)
    frame = Frame(data, w, h, fmt, stride)
    spec = vp.PreprocessSpec(width=int(rng.integers(1, 100)), height=int(rng.integers(1, 100)),
                             resize=str(rng.choice(["stretch", "shorter_crop", "letterbox"])), shorter_side=0,
                             layout=str(rng.choice(["NCHW", "NHWC"])), dtype=str(rng.choice(["float32", "uint8", "int8"])),
                             channels=str(rng.choice(["RGB", "BGR", "GRAY"])),
                             interpolation=str(rng.choice(["auto", "bilinear", "area"])),
                             mean=tuple(rng.uniform(0, 255, 3)), std=tuple(rng.uniform(1, 100, 3)),
                             pad_value=tuple(rng.uniform(0, 255, 3)))
    o = int(rng.integers(1, 9))
    a = vp.preprocess(frame, spec, orientation=o, backend="pybind11")
    b = vp.preprocess(frame, spec, orientation=o, backend="cffi")
    assert a.tobytes() == b.tobytes()


def test_both_bindings_report_the_same_errors():
    frame = Frame(np.zeros(12, np.uint8), 2, 2, "RGB")
    for backend in ("pybind11", "cffi"):
        with pytest.raises(vp.ImageTooLargeError):
            vp.preprocess(frame, vp.PreprocessSpec(width=2, height=2, resize="stretch"), backend=backend, max_pixels=3)
        with pytest.raises(vp.InvalidArgumentError):  # shorter_side 0 cover-crop is fine, ROI outside is not
            vp.preprocess(frame, vp.PreprocessSpec(width=2, height=2), roi=(1, 1, 2, 2), backend=backend)


def test_cdef_comes_from_the_public_header():
    text = cffi_binding.header_path().read_text()
    cdef = cffi_binding.cdef_from_header(text)
    for name in ("vp_ctx_create", "vp_preprocess", "vp_preprocess_query", "vp_image_bytes", "vp_spec", "vp_image"):
        assert name in cdef
    backend = get_backend("cffi")
    assert backend.lib.vp_abi_version() == backend.lib.VP_ABI_VERSION == vp._native.ABI_VERSION


def test_shared_library_exports_only_vp_symbols():
    nm = shutil.which("nm")
    if nm is None:
        pytest.skip("nm (binutils) not installed")
    out = subprocess.run([nm, "-D", "--defined-only", str(cffi_binding.library_path())], capture_output=True,
                         text=True, check=True).stdout
    names = [line.split()[-1] for line in out.splitlines() if len(line.split()) == 3 and line.split()[1] in "TDBR"]
    assert names and all(n.startswith("vp_") for n in names), names


def test_simd_level_is_reported():
    assert get_backend("pybind11").simd_level() == get_backend("cffi").simd_level() >= 0


def test_gil_is_released_threads_agree():
    """Many threads on one backend (one native context per thread) give the sequential results."""
    from concurrent.futures import ThreadPoolExecutor

    rng = np.random.default_rng(9)
    imgs = [rng.integers(0, 256, (int(rng.integers(50, 400)), int(rng.integers(50, 400)), 3), dtype=np.uint8)
            for _ in range(24)]
    seq = [vp.preprocess(i).tobytes() for i in imgs]
    with ThreadPoolExecutor(8) as ex:
        par = list(ex.map(lambda i: vp.preprocess(i).tobytes(), imgs * 4))
    assert par == seq * 4
