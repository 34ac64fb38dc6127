"""The thin ctypes-free binding to libvosk (the C API of vosk-api ``src/vosk_api.h``).

The PyPI ``vosk`` package ships ``libvosk.so`` plus a Python wrapper whose ``__init__`` imports
``requests``/``tqdm``/``srt``, prints and calls ``sys.exit`` (house rule 8).  We therefore load only
its shared library, through cffi's ABI mode with the declarations below, without executing that
``__init__``.  Imported lazily (first :class:`~valuepix_core.dictation.Dictation`), so
``import valuepix_core`` never loads Vosk.

Nothing here validates input: callers (``audio``, ``grammar``, ``pool``) must stop every value that
crashes libvosk (see docs/dictation.md) before it gets here.
"""
from __future__ import annotations

import importlib.util
import sys
import threading
from pathlib import Path

from ..errors import ModelError

_CDEF = """
typedef struct VoskModel VoskModel;
typedef struct VoskRecognizer VoskRecognizer;
VoskModel *vosk_model_new(const char *model_path);
void vosk_model_free(VoskModel *model);
int vosk_model_find_word(VoskModel *model, const char *word);
VoskRecognizer *vosk_recognizer_new(VoskModel *model, float sample_rate);
VoskRecognizer *vosk_recognizer_new_grm(VoskModel *model, float sample_rate, const char *grammar);
void vosk_recognizer_set_max_alternatives(VoskRecognizer *recognizer, int max_alternatives);
void vosk_recognizer_set_words(VoskRecognizer *recognizer, int words);
void vosk_recognizer_set_partial_words(VoskRecognizer *recognizer, int partial_words);
int vosk_recognizer_accept_waveform(VoskRecognizer *recognizer, const char *data, int length);
int vosk_recognizer_accept_waveform_f(VoskRecognizer *recognizer, const float *data, int length);
const char *vosk_recognizer_result(VoskRecognizer *recognizer);
const char *vosk_recognizer_partial_result(VoskRecognizer *recognizer);
const char *vosk_recognizer_final_result(VoskRecognizer *recognizer);
void vosk_recognizer_reset(VoskRecognizer *recognizer);
void vosk_recognizer_free(VoskRecognizer *recognizer);
void vosk_set_log_level(int log_level);
"""

_lock = threading.Lock()
_lib = None
_ffi = None


def library_path() -> Path:
    """Where the installed ``vosk`` distribution keeps its shared library (not importing it)."""
    spec = importlib.util.find_spec("vosk")
    if spec is None or not spec.submodule_search_locations:
        raise ModelError("the 'vosk' package is not installed (pip install 'vosk>=0.3.45')")
    folder = Path(list(spec.submodule_search_locations)[0])
    names = {"win32": "libvosk.dll", "darwin": "libvosk.dyld"}
    path = folder / names.get(sys.platform, "libvosk.so")
    if not path.is_file():
        raise ModelError(f"libvosk not found at {path}")
    return path


def lib():
    """Return ``(ffi, lib)``, loading libvosk once per process with its logging silenced."""
    global _lib, _ffi
    if _lib is None:
        with _lock:
            if _lib is None:
                import cffi

                ffi = cffi.FFI()
                ffi.cdef(_CDEF)
                handle = ffi.dlopen(str(library_path()))
                handle.vosk_set_log_level(-1)  # Kaldi logs go to stderr otherwise (rule 8)
                _ffi, _lib = ffi, handle
    return _ffi, _lib
