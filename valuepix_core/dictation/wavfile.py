"""Streaming WAV reader for dictation input: PCM int16 and IEEE float32, any rate and channel count.

Reads the header (RIFF/WAVE ``fmt `` + ``data``, WAVE_FORMAT_EXTENSIBLE included) so a file's real
rate/channels/format are used — a wrong declared rate is one of the silent-garbage cases — then
yields the sample data in chunks without loading the whole file.
"""
from __future__ import annotations

import struct
from dataclasses import dataclass
from typing import BinaryIO, Iterator

from ..errors import AudioFormatError

_PCM, _FLOAT, _EXTENSIBLE = 1, 3, 0xFFFE


@dataclass(frozen=True)
class WavInfo:
    sample_rate: int
    channels: int
    sample_format: str  # "int16" | "float32"
    data_bytes: int | None  # None when the header says "unknown / streaming"

    @property
    def frames(self) -> int | None:
        if self.data_bytes is None:
            return None
        return self.data_bytes // (self.channels * (2 if self.sample_format == "int16" else 4))


def read_header(f: BinaryIO) -> WavInfo:
    riff = f.read(12)
    if len(riff) < 12 or riff[:4] not in (b"RIFF", b"RF64") or riff[8:12] != b"WAVE":
        raise AudioFormatError("not a RIFF/WAVE file")
    fmt = None
    while True:
        head = f.read(8)
        if len(head) < 8:
            raise AudioFormatError("WAV file has no data chunk")
        cid, size = head[:4], struct.unpack("<I", head[4:])[0]
        if cid == b"fmt ":
            body = f.read(size + (size & 1))
            if len(body) < 16:
                raise AudioFormatError("truncated WAV fmt chunk")
            tag, channels, rate, _, _, bits = struct.unpack("<HHIIHH", body[:16])
            if tag == _EXTENSIBLE and len(body) >= 26:
                tag = struct.unpack("<H", body[24:26])[0]
            fmt = (tag, channels, rate, bits)
        elif cid == b"data":
            if fmt is None:
                raise AudioFormatError("WAV data chunk before fmt chunk")
            tag, channels, rate, bits = fmt
            if tag == _PCM and bits == 16:
                sf = "int16"
            elif tag == _FLOAT and bits == 32:
                sf = "float32"
            else:
                raise AudioFormatError(f"unsupported WAV encoding (format tag {tag}, {bits} bits); "
                                       "use 16-bit PCM or 32-bit float")
            if channels < 1 or rate <= 0:
                raise AudioFormatError(f"invalid WAV header: {channels} channels at {rate} Hz")
            return WavInfo(rate, channels, sf, None if size in (0, 0xFFFFFFFF) else size)
        else:
            f.seek(size + (size & 1), 1) if f.seekable() else f.read(size + (size & 1))


def iter_data(f: BinaryIO, info: WavInfo, chunk_bytes: int) -> Iterator[bytes]:
    left = info.data_bytes
    while left is None or left > 0:
        want = chunk_bytes if left is None else min(chunk_bytes, left)
        block = f.read(want)
        if not block:
            return
        if left is not None:
            left -= len(block)
        yield block
