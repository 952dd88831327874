"""A client for any OpenAI-compatible chat-completions endpoint (OpenAI, Ollama,
vLLM, llama.cpp's server), configured by LLM_BASE_URL, LLM_MODEL, LLM_API_KEY
and LLM_TIMEOUT. One POST of JSON with the standard library: the protocol is a
single request, and a client package would be a dependency for every install.

Only masked data is ever passed in (the timeline holds what the recorder
masked and the server scrubbed); callers build the messages from it.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any

from django_session_replay.conf import conf


class LLMError(Exception):
    """The endpoint could not be reached, timed out or answered something unusable."""


@dataclass(frozen=True)
class Message:
    role: str  # "system", "user" or "assistant"
    content: str


def configured() -> bool:
    return bool(conf.LLM_BASE_URL and conf.LLM_MODEL)


def complete(messages: list[Message], *, json_mode: bool = False) -> str:
    """The assistant's reply to ``messages`` (temperature 0); LLMError on any failure.
    ``json_mode`` asks for a JSON object (``response_format``), which servers
    that do not know the field ignore."""
    if not configured():
        raise LLMError("no LLM is configured (LLM_BASE_URL and LLM_MODEL)")
    body: dict[str, Any] = {
        "model": conf.LLM_MODEL,
        "messages": [{"role": m.role, "content": m.content} for m in messages],
        "temperature": 0,
        "stream": False,
    }
    if json_mode:
        body["response_format"] = {"type": "json_object"}
    headers = {"Content-Type": "application/json", "Accept": "application/json"}
    if conf.LLM_API_KEY:
        headers["Authorization"] = f"Bearer {conf.LLM_API_KEY}"
    request = urllib.request.Request(
        f"{conf.LLM_BASE_URL}/chat/completions",
        data=json.dumps(body).encode(),
        headers=headers,
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=conf.LLM_TIMEOUT) as response:
            answer = json.loads(response.read().decode("utf-8"))
    except urllib.error.HTTPError as error:
        raise LLMError(f"the LLM endpoint answered HTTP {error.code}") from error
    except (urllib.error.URLError, TimeoutError, OSError) as error:
        raise LLMError(f"the LLM endpoint could not be reached: {error}") from error
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise LLMError("the LLM endpoint answered something that is not JSON") from error
    try:
        content = answer["choices"][0]["message"]["content"]
    except (KeyError, IndexError, TypeError) as error:
        raise LLMError("the LLM endpoint's answer has no choices[0].message.content") from error
    if not isinstance(content, str):
        raise LLMError("the LLM endpoint's message content is not text")
    return content
