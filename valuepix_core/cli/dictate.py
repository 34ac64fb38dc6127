"""``valuepix dictate FILE.wav`` / ``valuepix dictate -`` (raw PCM on stdin).

Partials go to stderr as they arrive (rewritten in place on a terminal); finals go to stdout, one
line each (``--json``: one JSON object per event, partials included on stderr).
"""
from __future__ import annotations

import json
import sys
from dataclasses import asdict


def register(subparsers) -> None:
    p = subparsers.add_parser("dictate", help="transcribe speech from a WAV file or raw PCM on stdin",
                              description=__doc__.split("\n\n")[0])
    p.add_argument("input", help="WAV file (int16 PCM or float32), or - for raw PCM on stdin")
    p.add_argument("--rate", type=float, default=16000, help="raw input: sample rate in Hz (16000)")
    p.add_argument("--channels", type=int, default=1, help="raw input: interleaved channels (1)")
    p.add_argument("--format", dest="sample_format", choices=("int16", "float32"), default="int16",
                   help="raw input: little-endian sample format (int16)")
    p.add_argument("--model", dest="model_dir", help="Vosk model directory (default: see `valuepix models list`)")
    p.add_argument("--phrase", dest="phrases", action="append",
                   help="restrict recognition to this phrase (repeatable)")
    p.add_argument("--alternatives", type=int, default=0, help="n-best alternatives per final")
    p.add_argument("--endpoint-silence", type=float, help="seconds of trailing silence that end an utterance")
    p.add_argument("--max-utterance", type=float, help="close an utterance after this many seconds")
    p.add_argument("--deterministic", action="store_true", help="repeatable output (dither off)")
    p.add_argument("--chunk-ms", type=int, default=100, help="audio per read/feed, in ms (100)")
    p.add_argument("--json", action="store_true", help="print events as JSON lines")
    p.add_argument("--no-partials", action="store_true", help="do not print partial transcripts")
    p.set_defaults(func=run)


class _Printer:
    def __init__(self, as_json: bool, partials: bool):
        self.as_json = as_json
        self.partials = partials
        self.tty = sys.stderr.isatty()
        self._pending = False

    def _clear(self):
        if self._pending:
            sys.stderr.write("\r\033[K" if self.tty else "")
            sys.stderr.flush()
            self._pending = False

    def event(self, ev) -> None:
        if ev.is_final:
            if not ev.text and ev.reason != "finish":
                return
            self._clear()
            if self.as_json:
                sys.stdout.write(json.dumps({"type": "final", **asdict(ev)}, ensure_ascii=False) + "\n")
            elif ev.text:
                sys.stdout.write(ev.text + "\n")
            sys.stdout.flush()
        elif self.partials:
            if self.as_json:
                sys.stderr.write(json.dumps({"type": "partial", **asdict(ev)}, ensure_ascii=False) + "\n")
            elif self.tty:
                sys.stderr.write("\r\033[K… " + ev.text)
                self._pending = True
            else:
                sys.stderr.write("… " + ev.text + "\n")
            sys.stderr.flush()


def run(args) -> int:
    from ..dictation import Dictation, DictationOptions
    from ..dictation.wavfile import iter_data, read_header

    if args.input == "-":
        stream = sys.stdin.buffer
        rate, channels, fmt = args.rate, args.channels, args.sample_format
        chunks = None
    else:
        stream = open(args.input, "rb")
        info = read_header(stream)
        rate, channels, fmt = info.sample_rate, info.channels, info.sample_format
    try:
        opts = DictationOptions(model_dir=args.model_dir, sample_rate=rate, channels=channels,
                                sample_format=fmt, phrases=args.phrases, alternatives=args.alternatives,
                                endpoint_silence_s=args.endpoint_silence, max_utterance_s=args.max_utterance,
                                deterministic=args.deterministic)
        chunk_bytes = max(1, int(rate * args.chunk_ms / 1000)) * opts.bytes_per_frame
        if args.input == "-":
            chunks = iter(lambda: stream.read(chunk_bytes), b"")
        else:
            chunks = iter_data(stream, info, chunk_bytes)
        out = _Printer(args.json, not args.no_partials)
        with Dictation(opts) as d:
            for chunk in chunks:
                for ev in d.feed(chunk):
                    out.event(ev)
            out.event(d.finish())
    finally:
        if stream is not sys.stdin.buffer:
            stream.close()
    return 0
