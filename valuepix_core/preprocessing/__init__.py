"""Image preprocessing: decode (Pillow, DCT-scaled JPEG) + the fused native pass (libvaluepix).

Public: PreprocessSpec, Frame, preprocess. The numpy/OpenCV reference lives in ``.reference``.
"""
from .frame import Frame
from .pipeline import preprocess
from .spec import PreprocessSpec

__all__ = ["Frame", "PreprocessSpec", "preprocess"]
