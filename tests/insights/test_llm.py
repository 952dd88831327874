"""insights/llm.py against a local chat-completions server over real HTTP."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from django_session_replay.insights import llm

from .llm_server import ChatServer, chat_server


@pytest.fixture
def endpoint(settings: Any) -> Iterator[ChatServer]:
    with chat_server() as server:
        settings.SESSION_REPLAY = {
            "LLM_BASE_URL": server.url + "/",
            "LLM_MODEL": "test-model",
            "LLM_API_KEY": "sk-test",
            "LLM_TIMEOUT": 1,
        }
        yield server


def test_the_reply_content_comes_back_and_the_request_is_standard(endpoint: ChatServer) -> None:
    endpoint.reply = '{"ok": true}'
    messages = [llm.Message("system", "be brief"), llm.Message("user", "hello")]
    assert llm.complete(messages, json_mode=True) == '{"ok": true}'
    (body,) = endpoint.requests
    assert body["model"] == "test-model"
    assert body["messages"] == [
        {"role": "system", "content": "be brief"},
        {"role": "user", "content": "hello"},
    ]
    assert (body["temperature"], body["response_format"]) == (0, {"type": "json_object"})
    assert endpoint.headers[0]["Authorization"] == "Bearer sk-test"


def test_a_slow_endpoint_times_out_as_an_llm_error(endpoint: ChatServer) -> None:
    endpoint.delay = 3
    with pytest.raises(llm.LLMError, match="could not be reached"):
        llm.complete([llm.Message("user", "hello")])


def test_an_http_error_and_a_shapeless_answer_are_llm_errors(endpoint: ChatServer) -> None:
    endpoint.status = 500
    with pytest.raises(llm.LLMError, match="HTTP 500"):
        llm.complete([llm.Message("user", "hello")])
    endpoint.status = 200
    endpoint.reply = lambda body: json.dumps(body)  # still a valid answer
    assert json.loads(llm.complete([llm.Message("user", "x")]))["model"] == "test-model"


def test_nothing_is_sent_when_no_llm_is_configured(settings: Any) -> None:
    settings.SESSION_REPLAY = {}
    assert not llm.configured()
    with pytest.raises(llm.LLMError, match="no LLM is configured"):
        llm.complete([llm.Message("user", "hello")])
