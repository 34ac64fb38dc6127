"""Audio conversion for dictation: validate, down-mix, resample and re-block incoming PCM.

Everything the caller feeds passes through :class:`AudioConverter` before Vosk sees it:

* bytes / bytearray / memoryview / numpy in; a partial frame (odd byte, half a stereo pair) is
  carried to the next chunk instead of shifting every later sample;
* NaN/Inf floats raise :class:`AudioFormatError` (libvosk aborts on them), floats are clipped;
* data that looks like the wrong sample format (float32 bytes declared int16 and the reverse) raises
  :class:`AudioFormatError` instead of turning into silent garbage;
* stereo (any channel count) is averaged to mono; any rate is resampled to the model's rate by a
  streaming soxr resampler (anti-aliased; state kept between chunks);
* in deterministic mode the result is cut into fixed decode blocks (``DictationOptions.block_ms``)
  so the decoder sees the same blocks whatever chunk sizes arrive (the other half of determinism is
  dither off); otherwise it goes to the decoder at once (nothing left to decode at ``finish()``).

Samples are float32 in int16 scale (-32768..32767), what ``vosk_recognizer_accept_waveform_f``
takes, so 16 kHz int16 input reaches Vosk bit-exact.  The only audio held between calls is the
carried partial frame, the resampler's filter history and one unfinished block; :meth:`release`
zeroes and drops all three.
"""
from __future__ import annotations

from typing import Iterator

import numpy as np

from ..errors import AudioFormatError, InvalidArgumentError
from .options import DictationOptions

INT16_SCALE = 32768.0
# |x| above this in float32 input cannot be real audio: int16 bytes declared as float32
FLOAT_GARBAGE_LIMIT = 8.0
# how many frames of non-silent int16 input the float32-as-int16 detector looks at
_SNIFF_FRAMES = 4096


def as_bytes(chunk) -> memoryview:
    """A flat byte view of ``chunk`` (bytes, bytearray, memoryview or C-contiguous numpy array)."""
    if isinstance(chunk, np.ndarray):
        # flatten first: memoryview.cast refuses a multi-dimensional view with a 0 in its shape
        return memoryview(np.ascontiguousarray(chunk).reshape(-1).view(np.uint8))
    if isinstance(chunk, (bytes, bytearray)):
        return memoryview(chunk)
    if isinstance(chunk, memoryview):
        if not chunk.c_contiguous:
            raise AudioFormatError("memoryview audio must be C-contiguous")
        return chunk.cast("B") if chunk.format != "B" or chunk.ndim != 1 else chunk
    raise InvalidArgumentError(
        f"audio must be bytes, bytearray, memoryview or a numpy array, got {type(chunk).__name__}")


def check_array(chunk: np.ndarray, opts: DictationOptions) -> np.ndarray:
    """Check a numpy chunk's dtype and shape against the declared format; return little-endian data."""
    want = np.dtype("<i2") if opts.sample_format == "int16" else np.dtype("<f4")
    if chunk.dtype.kind != want.kind or chunk.dtype.itemsize != want.itemsize:
        raise AudioFormatError(
            f"got a {chunk.dtype} array but sample_format={opts.sample_format!r}; convert it or "
            "declare the right format")
    if chunk.ndim == 2:
        if chunk.shape[1] != opts.channels:
            raise AudioFormatError(
                f"array has {chunk.shape[1]} channels (shape {chunk.shape}), options say {opts.channels}")
    elif chunk.ndim != 1:
        raise AudioFormatError(f"audio arrays must be 1-D (interleaved) or 2-D (frames, channels), "
                               f"got shape {chunk.shape}")
    return chunk.astype(want, copy=False)


def looks_like_float32(samples: np.ndarray) -> bool:
    """True if int16 samples are really little-endian float32 audio read as int16.

    The high half of a float32 in -1..1 holds sign + exponent: for audio between about 1e-4 and 1
    its top byte sits in 0x38..0x3F (or 0xB8..0xBF when negative).  Real int16 speech puts every
    other sample in that narrow band essentially never.
    """
    if samples.size < 512:
        return False
    hi = samples[1::2].view(np.uint16)
    hi = hi[hi != 0]
    if hi.size < 256:
        return False
    top = (hi >> 8) & 0x7F
    return float(np.mean((top >= 0x38) & (top <= 0x3F))) > 0.9


class AudioConverter:
    """Turns caller chunks into fixed-size float32 blocks at the model's rate (see module doc)."""

    def __init__(self, opts: DictationOptions, model_rate: float, fixed_blocks: bool | None = None):
        self.opts = opts
        # fixed decode blocks make the decoder's input independent of the caller's chunking
        self.fixed_blocks = opts.deterministic if fixed_blocks is None else bool(fixed_blocks)
        self.model_rate = float(model_rate)
        self.block = max(1, int(round(self.model_rate * opts.block_ms / 1000.0)))
        self._frame_bytes = opts.bytes_per_frame
        self._dtype = np.dtype("<i2") if opts.sample_format == "int16" else np.dtype("<f4")
        self._carry = bytearray()
        self._pending = np.zeros(self.block, dtype=np.float32)
        self._fill = 0
        self._resampler = None
        self._sniffed = 0
        self.frames_in = 0  # input frames accepted in this stream
        # int16 mono at the model rate is already on the grid: skip the rounding pass
        self._quantise = not (opts.sample_format == "int16" and opts.channels == 1
                              and opts.sample_rate == self.model_rate)

    # -- state -------------------------------------------------------------------------------
    @property
    def pending_samples(self) -> int:
        return self._fill

    @property
    def carried_bytes(self) -> int:
        return len(self._carry)

    def holds_audio(self) -> bool:
        """True while any caller audio (or filter history derived from it) is held."""
        return bool(self._carry) or self._fill > 0 or self._resampler is not None \
            or (self._pending is not None and bool(np.any(self._pending)))

    def release(self) -> None:
        """Forget every sample held: zero the buffers, drop the resampler. Idempotent."""
        for i in range(len(self._carry)):
            self._carry[i] = 0
        self._carry = bytearray()
        if self._pending is not None:
            self._pending.fill(0.0)
        self._fill = 0
        self._resampler = None
        self._sniffed = 0
        self.frames_in = 0

    # -- conversion --------------------------------------------------------------------------
    def _frames(self, chunk) -> np.ndarray | None:
        """Validate ``chunk`` and return whole frames as float32 mono (int16 scale), input rate."""
        if isinstance(chunk, np.ndarray):
            chunk = check_array(chunk, self.opts)
        view = as_bytes(chunk)
        data = bytes(self._carry) + view.tobytes() if self._carry else view
        usable = (len(data) // self._frame_bytes) * self._frame_bytes
        raw = np.frombuffer(data, dtype=self._dtype, count=usable // self._dtype.itemsize)
        x = self._convert(raw)  # validates: on error the stream state is left as it was
        for i in range(len(self._carry)):
            self._carry[i] = 0
        self._carry = bytearray(data[usable:])
        return x

    def _convert(self, raw: np.ndarray) -> np.ndarray | None:
        if raw.size == 0:
            return None
        if self.opts.sample_format == "int16":
            if self.opts.check_format and self._sniffed < _SNIFF_FRAMES:
                if looks_like_float32(raw):
                    raise AudioFormatError(
                        "this looks like float32 audio declared as sample_format='int16'")
                self._sniffed += int(np.count_nonzero(raw)) // self.opts.channels
            x = raw.astype(np.float32)
        else:
            x = raw.astype(np.float32, copy=True)
            if not np.all(np.isfinite(x)):
                raise AudioFormatError("float32 audio contains NaN or infinity")
            peak = float(np.max(np.abs(x))) if x.size else 0.0
            if self.opts.check_format and peak > FLOAT_GARBAGE_LIMIT:
                raise AudioFormatError(
                    f"float32 samples reach {peak:.3g}, far outside -1..1: is this int16 audio "
                    "declared as sample_format='float32'?")
            np.clip(x, -1.0, 1.0, out=x)
            x *= INT16_SCALE
            np.clip(x, -INT16_SCALE, INT16_SCALE - 1.0, out=x)
        ch = self.opts.channels
        if ch > 1:
            x = x.reshape(-1, ch).mean(axis=1, dtype=np.float32)
        self.frames_in += x.size
        return x

    def _resample(self, x: np.ndarray | None, last: bool) -> np.ndarray | None:
        y = self._resample_raw(x, last)
        if y is not None and self._quantise:
            # Back onto the int16 grid Vosk models are trained on.  Besides matching what an int16
            # microphone would deliver, this absorbs the tiny (<0.5 LSB) errors of resampling and
            # down-mixing, so 48 kHz float32 stereo of the same audio decodes like 16 kHz int16.
            np.round(y, out=y)
            np.clip(y, -INT16_SCALE, INT16_SCALE - 1.0, out=y)
        return y

    def _resample_raw(self, x: np.ndarray | None, last: bool) -> np.ndarray | None:
        if self.opts.sample_rate == self.model_rate:
            return x
        if self._resampler is None:
            if x is None and last:
                return None
            import soxr

            self._resampler = soxr.ResampleStream(self.opts.sample_rate, self.model_rate, 1,
                                                  dtype="float32", quality="HQ")
        y = self._resampler.resample_chunk(x if x is not None else np.zeros(0, np.float32), last=last)
        if last:
            self._resampler = None
        return y

    def _blocks(self, y: np.ndarray | None, last: bool) -> Iterator[np.ndarray]:
        """Cut model-rate samples into fixed blocks; with ``last`` also yield the short tail.

        Without ``fixed_blocks`` (non-deterministic mode) nothing is held back: every sample is
        yielded at once, in pieces of at most one block, so ``finish()`` has no audio left to decode.
        """
        if not self.fixed_blocks:
            if y is not None:
                for pos in range(0, y.size, self.block):
                    yield y[pos:pos + self.block]
            return
        if y is not None and y.size:
            pos = 0
            if self._fill:
                take = min(self.block - self._fill, y.size)
                self._pending[self._fill:self._fill + take] = y[:take]
                self._fill += take
                pos = take
                if self._fill == self.block:
                    self._fill = 0
                    yield self._pending
            while y.size - pos >= self.block:
                yield y[pos:pos + self.block]
                pos += self.block
            rest = y.size - pos
            if rest:
                self._pending[:rest] = y[pos:]
                self._fill = rest
        if last and self._fill:
            n, self._fill = self._fill, 0
            yield self._pending[:n]

    def push(self, chunk) -> Iterator[np.ndarray]:
        """Validate and convert ``chunk``; yield the whole decode blocks it completes.

        All validation happens before the first block is yielded, so a bad chunk raises without
        any of it reaching the decoder.
        """
        x = self._frames(chunk)
        y = self._resample(x, last=False) if x is not None else None
        return self._blocks(y, last=False)

    def flush(self) -> Iterator[np.ndarray]:
        """End of stream: drain the resampler and yield the remaining (possibly short) block.

        A partial frame still carried (an odd trailing byte) cannot be decoded and is dropped.
        """
        if self._carry:
            for i in range(len(self._carry)):
                self._carry[i] = 0
            self._carry = bytearray()
        y = self._resample(None, last=True)
        return self._blocks(y, last=True)
