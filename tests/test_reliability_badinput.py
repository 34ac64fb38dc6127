"""Bad-input corpus: every malformed image, array and audio chunk gets its documented exception;
nothing crashes (the corpora run in child processes: a crash is a non-zero / negative return code),
hangs (subprocess timeouts + pytest-timeout per test) or leaks (RSS over 10,000 bad inputs).

Bad models and bad catalogs are in test_reliability_integrity.py; they join the 10,000-input leak
loop here.  Corpora: tests/test_reliability_support.py (generated, fixed seeds).
"""
from __future__ import annotations

import json

import numpy as np
import pytest

import valuepix_core as vp
from test_dictation_support import SKIP_REASON, korean_model_dir
from test_reliability_support import (bad_arrays, bad_audio, fake_model_dir, image_cases, rss_bytes,
                                      run_child)

KO = korean_model_dir()

# expectation -> the exception classes that satisfy it ("ok" = a tensor of the right shape)
ALLOWED = {
    "invalid": {"InvalidImageError", "UnsupportedFormatError", "ImageTooLargeError"},
    "unsupported": {"UnsupportedFormatError"},
    "too_large": {"ImageTooLargeError"},
    "any": {"ok", "InvalidImageError", "UnsupportedFormatError", "ImageTooLargeError"},
    "decodes": {"ok"},
}

IMAGE_CHILD = """
    import json, sys, warnings
    import numpy as np
    import valuepix_core as vp
    from valuepix_core.preprocessing import decode
    from test_reliability_support import image_cases
    warnings.simplefilter("ignore")
    spec = vp.PreprocessSpec()
    for name, (data, exp) in sorted(image_cases().items()):
        print("START", name, flush=True)           # the last START names a case that crashed / hung
        out = {}
        for what, fn in (("decode", lambda: decode.decode(data)), ("preprocess", lambda: vp.preprocess(data, spec)),
                         ("preprocess-bytearray", lambda: vp.preprocess(bytearray(data), spec))):
            try:
                r = fn()
                if what.startswith("preprocess"):
                    assert r.shape == spec.shape and np.isfinite(r).all(), (r.shape, spec.shape)
                out[what] = "ok"
            except vp.ValuePixError as e:
                out[what] = type(e).__name__
            except Exception as e:                  # not in the exception tree: reported as a failure
                out[what] = "FOREIGN:" + type(e).__name__ + ": " + str(e)[:200]
        print("RESULT", json.dumps({"name": name, "exp": exp, "out": out}), flush=True)
    print("ALIVE", flush=True)
"""


def test_image_corpus_in_subprocess():
    """~270 malformed JPEG/PNG/GIF/BMP/TIFF/WebP/PPM/ICO files, bombs and non-images, through
    decode() and preprocess(): only documented exceptions, never a crash or a hang."""
    proc = run_child(IMAGE_CHILD, timeout=240)
    last = [ln for ln in proc.stdout.splitlines() if ln.startswith("START")][-1:]
    assert proc.returncode == 0 and "ALIVE" in proc.stdout, (proc.returncode, last, proc.stderr[-2000:])
    results = [json.loads(ln[7:]) for ln in proc.stdout.splitlines() if ln.startswith("RESULT ")]
    assert len(results) == len(image_cases()) >= 250
    bad = []
    for r in results:
        for what, got in r["out"].items():
            allowed = ALLOWED[r["exp"]]
            if what == "decode":  # decode() alone does not check the pixel limit of the native pass
                allowed = allowed | ({"ok"} if r["exp"] == "any" else set())
            if got not in allowed:
                bad.append((r["name"], what, r["exp"], got))
    assert not bad, bad[:20]
    # the corpus really exercises both outcomes
    outs = [r["out"]["preprocess"] for r in results]
    assert outs.count("ok") >= 20 and sum(o != "ok" for o in outs) >= 100


@pytest.mark.parametrize("name", sorted(bad_arrays()))
def test_bad_sources_and_arrays(name):
    src, _ = bad_arrays()[name]
    with pytest.raises(vp.InvalidArgumentError):
        vp.preprocess(src)


@pytest.mark.parametrize("shape", [(1, 1, 3), (1, 1000, 3), (1000, 1), (3, 7, 4)])
def test_degenerate_but_valid_arrays(shape):
    """1-pixel and 1-row images are valid: a tensor, not an error."""
    out = vp.preprocess(np.full(shape, 77, np.uint8))
    assert out.shape == vp.PreprocessSpec().shape and np.isfinite(out).all()


@pytest.mark.parametrize("shape", [(1, 5000, 3), (5000, 1)])
def test_extreme_aspect_ratio_is_a_clean_error(shape):
    """Shorter-side 256 on a 5000:1 strip would resize the long side to 1.28 M pixels, past the
    native per-axis bound (VP_MAX_DIM = 1,000,000): refused as ImageTooLargeError (documented
    VP_ERR_OVERFLOW mapping), not a crash.  (Noted in docs/reliability.md.)"""
    with pytest.raises(vp.ImageTooLargeError):
        vp.preprocess(np.full(shape, 77, np.uint8))


AUDIO_CHILD = """
    import json, sys
    import numpy as np
    import valuepix_core as vp
    from test_reliability_support import bad_audio
    ko = sys.argv[1]
    good = (np.sin(np.arange(16000) / 16000 * 2 * np.pi * 220) * 3000).astype(np.int16)
    dicts = {}
    for name, (chunk, over) in sorted(bad_audio().items()):
        print("START", name, flush=True)
        key = tuple(sorted(over.items()))
        if key not in dicts:
            dicts[key] = vp.Dictation(vp.DictationOptions(model_dir=ko, **over))
        d = dicts[key]
        try:
            d.feed(chunk)
            got = "ok"
        except vp.ValuePixError as e:
            got = type(e).__name__
        except Exception as e:
            got = "FOREIGN:" + type(e).__name__ + ": " + str(e)[:200]
        print("RESULT", json.dumps({"name": name, "got": got}), flush=True)
    # the stream survives: good audio after all the bad chunks still decodes and finishes
    d = dicts[()]
    d.feed(good)
    final = d.finish()
    print("FINAL", json.dumps(final.text), flush=True)
    for d in dicts.values():
        d.close()
    print("ALIVE", flush=True)
"""


@pytest.mark.skipif(KO is None, reason=SKIP_REASON)
def test_audio_corpus_in_subprocess():
    """NaN/Inf, wrong dtypes/shapes/channels, float32 bytes declared int16, non-audio objects:
    AudioFormatError / InvalidArgumentError, the process survives and the stream still works."""
    proc = run_child(AUDIO_CHILD, str(KO), timeout=180)
    assert proc.returncode == 0 and "ALIVE" in proc.stdout, (proc.returncode, proc.stdout[-1500:], proc.stderr[-2000:])
    results = {json.loads(ln[7:])["name"]: json.loads(ln[7:])["got"]
               for ln in proc.stdout.splitlines() if ln.startswith("RESULT ")}
    assert set(results) == set(bad_audio())
    not_audio = {"str", "list", "none", "dict"}
    bad = {n: g for n, g in results.items()
           if g != ("InvalidArgumentError" if n in not_audio else "AudioFormatError")
           and not (n in not_audio and g == "AudioFormatError")}
    assert not bad, bad


def _leak_cases(tmp_path):
    """Cheap bad inputs of every kind, each a callable that must raise a ValuePixError."""
    cases = []
    for name, (data, exp) in image_cases().items():
        if exp not in ("any", "decodes"):  # deterministic failures only, so every call takes the error path
            cases.append(("image:" + name, lambda d=data: vp.preprocess(d)))
    for name, (src, _) in bad_arrays().items():
        if name != "missing-file":
            cases.append(("array:" + name, lambda s=src: vp.preprocess(s)))
    cases.append(("array:too-large", lambda: vp.preprocess(np.zeros((64, 64), np.uint8), max_pixels=100)))
    # bad models: a tiny wrong-size model file, a missing file, a missing manifest
    mdir = fake_model_dir(tmp_path / "m-small", file_bytes=b"not an onnx model")
    missing = fake_model_dir(tmp_path / "m-missing")
    from valuepix_core.identify import IdentifierOptions, _load_model
    for name, path in (("model:tiny", mdir), ("model:missing-file", missing), ("model:no-manifest", tmp_path)):
        cases.append((name, lambda p=path: _load_model(IdentifierOptions(model=p))))
    # bad catalogs: garbage and a truncated header
    g = tmp_path / "garbage.sqlite"
    g.write_bytes(bytes(range(256)) * 32)
    t = tmp_path / "trunc.sqlite"
    t.write_bytes(b"SQLite format 3\0" + b"\x10\x00" + b"\0" * 30)
    for name, path in (("catalog:garbage", g), ("catalog:short", t)):
        cases.append((name, lambda p=path: vp.Catalog(p)))
    return cases


def test_no_leak_over_10000_bad_inputs(tmp_path):
    """10,000 bad inputs (images, arrays, models, catalogs; audio when the model is installed) in
    this process: every one raises a ValuePixError and RSS grows by less than 20 MB."""
    cases = _leak_cases(tmp_path)
    dicts: dict = {}
    if KO is not None:
        for name, (chunk, over) in bad_audio().items():
            key = tuple(sorted(over.items()))
            if key not in dicts:  # one stream per option set (loading recognizers is slow)
                dicts[key] = vp.Dictation(vp.DictationOptions(model_dir=KO, **over))
            cases.append(("audio:" + name, lambda d=dicts[key], c=chunk: d.feed(c)))
    assert len(cases) >= 60

    def run(n):
        kinds = {}
        for i in range(n):
            name, fn = cases[i % len(cases)]
            try:
                fn()
            except vp.ValuePixError:
                kinds[name.split(":")[0]] = kinds.get(name.split(":")[0], 0) + 1
                continue
            raise AssertionError(f"{name} did not raise a ValuePixError")
        return kinds

    try:
        run(2 * len(cases))  # warm-up: caches, lazy imports, allocator pools
        before = rss_bytes()
        kinds = run(10_000)
        after = rss_bytes()
    finally:
        for d in dicts.values():
            d.close()
    assert sum(kinds.values()) == 10_000
    growth = (after - before) / 2**20
    print(f"RSS {before / 2**20:.1f} -> {after / 2**20:.1f} MB (+{growth:.2f} MB) over 10,000 bad inputs: {kinds}")
    assert growth < 20, f"RSS grew {growth:.1f} MB over 10,000 bad inputs ({kinds})"


def test_identifier_survives_bad_images():
    """identify() / identify_batch() with malformed photos raise the documented errors and the
    Identifier keeps giving the same answers afterwards."""
    cases = image_cases()
    bad = [cases[n][0] for n in ("empty", "random-0", "png-bomb-60000", "JPEG-trunc-8", "gif-header-only")]
    good = np.random.default_rng(4).integers(0, 256, (120, 160, 3), dtype=np.uint8)
    with vp.Identifier() as ident:
        before = ident.identify(good)
        for b in bad:
            with pytest.raises(vp.InvalidImageError):
                ident.identify(b)
        with pytest.raises(vp.InvalidImageError):
            ident.identify_batch([good, bad[1], good])
        after = ident.identify(good)
    assert [(x.index, x.score) for x in after.labels] == [(x.index, x.score) for x in before.labels]
    assert np.array_equal(after.embedding, before.embedding)


# ------------------------------------------------------------------------ findings (atheris), fixed
# Found by fuzz/atheris_decode.py and fuzz/atheris_dictation.py; both now map to the error tree.
def _png_without_idat(iend_first: bool) -> bytes:
    import struct
    import zlib

    from test_reliability_support import _png_chunk

    head = b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", struct.pack(">IIBBBBB", 4, 4, 8, 2, 0, 0, 0))
    idat = _png_chunk(b"IDAT", zlib.compress(b"\0" * 13 * 4))
    end = _png_chunk(b"IEND", b"")
    return head + end + idat + end if iend_first else head + end


@pytest.mark.parametrize("iend_first", [False, True], ids=["no-idat", "iend-before-idat"])
def test_png_without_idat_is_invalid_image(iend_first):
    with pytest.raises(vp.InvalidImageError):
        vp.preprocess(_png_without_idat(iend_first))


@pytest.mark.skipif(KO is None, reason=SKIP_REASON)
def test_empty_2d_audio_array_is_accepted():
    with vp.Dictation(vp.DictationOptions(model_dir=KO)) as d:
        assert d.feed(np.zeros((0, 1), np.int16)) == []
