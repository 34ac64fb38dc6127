"""``WS /v1/dictate``: the vosk-server WebSocket protocol over :class:`valuepix_core.Dictation`.

Protocol (alphacep/vosk-server ``websocket/asr_server.py``), so existing Vosk clients work unchanged:

* optional first text message ``{"config": {"sample_rate": 16000, "words": true,
  "max_alternatives": 0, "phrase_list": [...]}}`` (valuepix extensions: ``channels``,
  ``sample_format`` "int16"/"float32"); nothing is sent back for it;
* binary messages: PCM audio in that format; each gets exactly one JSON reply — a final
  ``{"text": "...", "result": [{"conf", "end", "start", "word"}...]}`` when an utterance ended
  in it (``{"alternatives": [...]}`` with ``max_alternatives``), else ``{"partial": "..."}``;
* ``{"eof": 1}`` (vosk clients send ``'{"eof" : 1}'``): the last final, then the server closes
  (1000); ``{"reset": 1}``: the final so far, and the stream continues.

Malformed input (bad JSON, unknown message, invalid config, config after audio, audio that is not
what the config declares, an oversize frame) gets one error frame ``{"error": {...problem
details...}}`` and a clean close (1007 invalid data, 1009 too big, 1011 server error, 1013 when
dictation is unavailable).  Audio is fed to the library and dropped; nothing is stored.
"""
from __future__ import annotations

import json
import logging

from starlette.concurrency import run_in_threadpool
from starlette.websockets import WebSocket, WebSocketDisconnect

from ...errors import InvalidArgumentError, ValuePixError
from . import problems
from .middleware import request_id_of

log = logging.getLogger("valuepix.service.dictate")

# vosk-server config keys -> DictationOptions fields (other vosk keys such as "model" are ignored)
_CONFIG_KEYS = {"sample_rate": "sample_rate", "words": "words", "max_alternatives": "alternatives",
                "phrase_list": "phrases", "channels": "channels", "sample_format": "sample_format"}


class _Close(Exception):
    def __init__(self, code: int, problem: problems.Problem):
        super().__init__(problem.detail)
        self.code = code
        self.problem = problem


def _bad(detail: str, kind: str = "invalid-message", code: int = 1007) -> _Close:
    return _Close(code, problems.Problem(400, kind, detail))


def _words(words) -> list[dict]:
    return [{"conf": w.confidence, "end": w.end, "start": w.start, "word": w.word} for w in words]


def final_json(finals, alternatives: int) -> dict:
    """One vosk-format final for one or more library finals (merged when one message ended several)."""
    finals = [f for f in finals if f.text] or finals[-1:]
    if alternatives:
        alts = [a for f in finals for a in f.alternatives]
        return {"alternatives": [{"confidence": a.confidence, "result": _words(a.words), "text": a.text}
                                 for a in alts]}
    text = " ".join(f.text for f in finals if f.text)
    words = [w for f in finals for w in f.words]
    out = {"text": text}
    if words:
        out["result"] = _words(words)
    return out


def options_from_config(cfg, base) -> object:
    from ...dictation import DictationOptions

    if not isinstance(cfg, dict):
        raise _bad("'config' must be a JSON object", "invalid-config")
    kw = {}
    for key, field in _CONFIG_KEYS.items():
        if key in cfg and cfg[key] is not None:
            kw[field] = cfg[key]
    if "phrases" in kw and isinstance(kw["phrases"], list):
        kw["phrases"] = tuple(kw["phrases"])
    try:
        return DictationOptions(**{**base, **kw})
    except ValuePixError as exc:
        raise _bad(str(exc), "invalid-config") from None


class _Session:
    def __init__(self, options, max_message: int):
        self.options = options
        self.dictation = None
        self.max_message = max_message
        self.last_partial = ""

    def open(self):
        """(Re)create the Dictation for the current options; invalid ones fail here, at config time."""
        from ...dictation import Dictation

        self.close()
        self.dictation = Dictation(self.options)

    def feed(self, data: bytes) -> dict:
        events = self.dictation.feed(data)
        finals = [e for e in events if e.is_final]
        if finals:
            self.last_partial = ""
            return final_json(finals, self.options.alternatives)
        partials = [e for e in events if not e.is_final]
        if partials:
            self.last_partial = partials[-1].text
        return {"partial": self.last_partial}

    def finish(self) -> dict:
        self.last_partial = ""
        return final_json([self.dictation.finish()], self.options.alternatives)

    def close(self):
        if self.dictation is not None:
            self.dictation.close()
            self.dictation = None


async def dictate(websocket: WebSocket) -> None:
    svc = websocket.app.state.service
    metrics = svc.metrics
    await websocket.accept()
    if not svc.dictation_ready:
        await _send_error(websocket, _Close(1013, problems.Problem(
            503, "dictation-unavailable", svc.dictation_error or "dictation is not enabled on this server")), metrics)
        return
    session = _Session(options_from_config({}, svc.dictation_base), svc.config.ws_max_message_bytes)
    metrics.dictation_sessions.inc()
    audio_started = False
    try:
        while True:
            msg = await websocket.receive()
            if msg["type"] == "websocket.disconnect":
                return
            data, text = msg.get("bytes"), msg.get("text")
            if data is not None:
                if len(data) > session.max_message:
                    raise _bad(f"audio frame of {len(data)} bytes exceeds {session.max_message}",
                               "message-too-large", 1009)
                if session.dictation is None:
                    await run_in_threadpool(session.open)
                audio_started = True
                with metrics.stage.labels("dictation_feed").time():
                    reply = await run_in_threadpool(session.feed, data)
                await websocket.send_text(json.dumps(reply, ensure_ascii=False))
                continue
            try:
                obj = json.loads(text if text is not None else "")
            except (ValueError, TypeError):
                raise _bad("text messages must be JSON: a config, {\"eof\": 1} or {\"reset\": 1}") from None
            if not isinstance(obj, dict):
                raise _bad("text messages must be JSON objects")
            if "config" in obj:
                if audio_started:
                    raise _bad("config must come before the first audio frame", "invalid-config")
                session.options = options_from_config(obj["config"], svc.dictation_base)
                try:
                    await run_in_threadpool(session.open)
                except ValuePixError as exc:  # e.g. phrases outside the model's vocabulary
                    raise _bad(str(exc), "invalid-config") from None
                continue
            if obj.get("eof") or obj.get("reset"):
                if session.dictation is None:
                    await run_in_threadpool(session.open)
                reply = await run_in_threadpool(session.finish)
                await websocket.send_text(json.dumps(reply, ensure_ascii=False))
                if obj.get("eof"):
                    await websocket.close(1000)
                    return
                continue
            raise _bad("unknown message: expected a config, {\"eof\": 1} or {\"reset\": 1}")
    except WebSocketDisconnect:
        return
    except _Close as exc:
        await _send_error(websocket, exc, metrics)
    except (InvalidArgumentError, ValuePixError) as exc:
        p = problems.from_exception(exc)
        await _send_error(websocket, _Close(1007 if p.status < 500 else 1011, p), metrics)
    except Exception:  # noqa: BLE001 - log it, tell the client, keep the server up
        log.exception("dictation session failed")
        await _send_error(websocket, _Close(1011, problems.Problem(500, "internal-error", "internal server error")),
                          metrics)
    finally:
        metrics.dictation_sessions.dec()
        await run_in_threadpool(session.close)


async def _send_error(websocket: WebSocket, exc: _Close, metrics) -> None:
    metrics.errors.labels("/v1/dictate", exc.problem.kind).inc()
    body = problems.body(exc.problem, instance="/v1/dictate", request_id=request_id_of(websocket.scope))
    try:
        await websocket.send_text(json.dumps({"error": body}, ensure_ascii=False))
        await websocket.close(exc.code, reason=exc.problem.kind[:100])
    except Exception:  # noqa: BLE001 - the client is already gone
        pass
