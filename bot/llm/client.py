"""One chat-completion exchange with an OpenAI-compatible server, retried by tenacity.

`openai` is imported here only, when the client is built: the rules-only path never loads it.
The SDK's own retries are off (`max_retries=0`) so that tenacity owns them, all bounded
by the deadline the caller passes.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tenacity import AsyncRetrying, RetryCallState, retry_if_exception

from bot.llm.retry_after import retry_after_seconds
from bot.models import FallbackReason
from bot.settings import Settings

log = logging.getLogger("outreach.llm")

MAX_COMPLETION_TOKENS = 1600
# An answer within MAX_COMPLETION_TOKENS is a few thousand characters; one this long ignored
# the limit (or is not the model at all) and is not read further, nor sent back for repair.
MAX_ANSWER_CHARS = 32_000
MAX_ATTEMPTS = 8
# A server that cannot be reached (no network, nothing listening, a wrong OPENAI_BASE_URL)
# rarely comes back within a review: one quick retry, then the rules answer.
CONNECT_ATTEMPTS = 2
BACKOFF_INITIAL_S = 0.25
BACKOFF_MAX_S = 4.0
# After the provider rejects our credentials or model, stop asking it for a while.
CONFIG_ERROR_COOLDOWN_S = 300.0
RETRYABLE_STATUS = frozenset({408, 409, 429})
JSON_OBJECT = {"type": "json_object"}
TEMPERATURE = 0.2
PLACEHOLDER_API_KEY = "not-needed"  # local servers (Ollama, vLLM, LM Studio) ignore the key


# Builds the chat messages; True asks for the JSON-object-mode variant (schema in the prompt).
MessageBuilder = Callable[[bool], list[dict[str, str]]]


class ModelFailure(Exception):
    """The model could not give an answer; `reason` is the review's fallback_reason."""

    def __init__(self, reason: FallbackReason, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason: FallbackReason = reason


class _ParameterAdapted(Exception):
    """The server rejected an optional parameter; the request is sent again without it."""


@dataclass
class Meter:
    """Tokens and requests spent on one grade, including retries and the repair."""

    requests: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    attempts_by_outcome: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Completion:
    content: str
    finish_reason: str | None


class ChatClient:
    def __init__(self, settings: Settings, *, max_tokens: int = MAX_COMPLETION_TOKENS) -> None:
        import openai  # lazily: only a configured model pays for this import

        self._openai = openai
        self._model = settings.outreach_llm_model
        self._max_tokens = max_tokens
        self._client = openai.AsyncOpenAI(
            api_key=settings.openai_api_key or PLACEHOLDER_API_KEY,
            base_url=settings.openai_base_url or None,
            max_retries=0,
            timeout=settings.outreach_llm_timeout,
        )
        self.json_schema_supported = True
        self._token_parameter = "max_tokens"
        self._send_temperature = True
        self._blocked_until = 0.0
        self._blocked_reason: FallbackReason = "auth"
        self._base_url_set = bool(settings.openai_base_url)
        self._unreachable_reported = False  # one stderr line per outage, not one per review
        _keep_request_bodies_out_of_logs()

    @property
    def model(self) -> str:
        return self._model

    async def aclose(self) -> None:
        await self._client.close()

    async def complete(
        self,
        messages: MessageBuilder,
        response_format: dict[str, Any],
        deadline: float,
        meter: Meter,
    ) -> Completion:
        """One answer, retried on transient errors until `deadline` (time.monotonic)."""
        if time.monotonic() < self._blocked_until:
            raise ModelFailure(self._blocked_reason, "provider rejected us recently")
        retrying = AsyncRetrying(
            retry=retry_if_exception(self._is_transient),
            wait=self._wait,
            stop=lambda state: self._should_stop(state, deadline),
            reraise=True,
        )
        try:
            async for attempt in retrying:
                with attempt:
                    completion = await self._request(messages, response_format, deadline, meter)
                    self._unreachable_reported = False
                    return completion
        except self._openai.APIError as exc:
            raise self._failure(exc) from None
        except TimeoutError:
            raise ModelFailure("timeout") from None
        raise ModelFailure("server_error", "no attempt was made")  # unreachable: stop needs one

    async def _request(
        self,
        messages: MessageBuilder,
        response_format: dict[str, Any],
        deadline: float,
        meter: Meter,
    ) -> Completion:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError
        request: dict[str, Any] = {
            "model": self._model,
            "messages": messages(not self.json_schema_supported),
            "response_format": response_format if self.json_schema_supported else JSON_OBJECT,
            "timeout": remaining,
            self._token_parameter: self._max_tokens,
        }
        if self._send_temperature:
            request["temperature"] = TEMPERATURE
        meter.requests += 1
        try:
            response = await self._client.chat.completions.create(**request)
        except self._openai.BadRequestError as exc:
            if self._adapt_to(exc):
                raise _ParameterAdapted from exc
            raise
        if response.usage is not None:
            meter.prompt_tokens += response.usage.prompt_tokens or 0
            meter.completion_tokens += response.usage.completion_tokens or 0
        if not response.choices:
            raise ModelFailure("invalid_output", "no choices in the answer")
        choice = response.choices[0]
        refusal = getattr(choice.message, "refusal", None)
        if refusal:
            raise ModelFailure("invalid_output", "the model refused")
        content = choice.message.content or ""
        if len(content) > MAX_ANSWER_CHARS:
            raise ModelFailure(
                "invalid_output", f"the answer is over {MAX_ANSWER_CHARS} characters"
            )
        return Completion(content, choice.finish_reason)

    def _adapt_to(self, exc: BaseException) -> bool:
        """Drop what an OpenAI-compatible server does not support; True when retrying helps."""
        message = str(exc).lower()
        mentions_format = "response_format" in message or "json_schema" in message
        if self.json_schema_supported and mentions_format:
            self.json_schema_supported = False
            log.warning("model server rejects json_schema; using json_object mode")
            return True
        if self._token_parameter == "max_tokens" and "max_tokens" in message:
            self._token_parameter = "max_completion_tokens"
            log.warning("model rejects max_tokens; using max_completion_tokens")
            return True
        if self._send_temperature and "temperature" in message:
            self._send_temperature = False
            log.warning("model rejects temperature; using its default")
            return True
        return False

    def _is_transient(self, exc: BaseException) -> bool:
        if isinstance(exc, _ParameterAdapted | self._openai.APIConnectionError):
            return True  # APITimeoutError is an APIConnectionError
        if isinstance(exc, self._openai.APIStatusError):
            return exc.status_code >= 500 or exc.status_code in RETRYABLE_STATUS
        return False

    def _wait(self, state: RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        if isinstance(exc, _ParameterAdapted):
            return 0.0
        jitter = random.uniform(0, BACKOFF_INITIAL_S)
        if exc is not None:
            server_wait = retry_after_seconds(exc)
            if server_wait is not None:
                return server_wait + jitter / 2
        backoff = BACKOFF_INITIAL_S * 2 ** (state.attempt_number - 1)
        return min(BACKOFF_MAX_S, backoff) + jitter

    def _should_stop(self, state: RetryCallState, deadline: float) -> bool:
        if state.attempt_number >= MAX_ATTEMPTS:
            return True
        if state.attempt_number >= CONNECT_ATTEMPTS and self._unreachable(state):
            return True
        return time.monotonic() + (state.upcoming_sleep or 0.0) >= deadline

    def _unreachable(self, state: RetryCallState) -> bool:
        exc = state.outcome.exception() if state.outcome else None
        openai = self._openai
        return isinstance(exc, openai.APIConnectionError) and not isinstance(
            exc, openai.APITimeoutError
        )

    def _report_unreachable(self, exc: BaseException) -> None:
        """One line naming where the model was looked for and what went wrong (the classes
        only: no exception text, which may carry more than the operator needs)."""
        if self._unreachable_reported:
            return
        self._unreachable_reported = True
        where = self._client.base_url.copy_with(userinfo=b"")  # never a password in a log
        setting = "OPENAI_BASE_URL" if self._base_url_set else "OPENAI_BASE_URL unset: OpenAI's"
        cause = exc.__cause__ or exc.__context__
        error = type(exc).__name__ + (f" ({type(cause).__name__})" if cause else "")
        log.warning(
            f"model server unreachable at {where} ({setting}): {error}; "
            "the built-in rules review instead",
            extra={"error": type(exc).__name__, "model": self._model},
        )

    def _failure(self, exc: BaseException) -> ModelFailure:
        openai = self._openai
        if isinstance(exc, _ParameterAdapted):
            return ModelFailure("server_error", "server rejected every request shape")
        if isinstance(exc, openai.APITimeoutError):
            return ModelFailure("timeout")
        if isinstance(exc, openai.APIConnectionError):
            self._report_unreachable(exc)
            return ModelFailure("server_error", "cannot connect to the model server")
        if not isinstance(exc, openai.APIStatusError):
            return ModelFailure("server_error", type(exc).__name__)
        status = exc.status_code
        if status == 429:
            return ModelFailure("rate_limited")
        if status >= 500 or status in RETRYABLE_STATUS:
            return ModelFailure("server_error", f"HTTP {status}")
        reason: FallbackReason = "auth" if status in (401, 403) else "server_error"
        hint = {
            401: "check OPENAI_API_KEY",
            403: "check the key's permissions for this model",
            404: "check OUTREACH_LLM_MODEL and OPENAI_BASE_URL",
        }.get(status, "the request was refused; see the provider's message")
        configuration_error = status in (401, 403, 404)
        pause = f"; rules only for {CONFIG_ERROR_COOLDOWN_S:.0f} s" if configuration_error else ""
        log.error(
            f"model provider refused the request (HTTP {status}): {hint}{pause}",
            extra={"status": status, "reason": reason, "model": self._model},
        )
        if configuration_error:
            self._blocked_until = time.monotonic() + CONFIG_ERROR_COOLDOWN_S
            self._blocked_reason = reason
        return ModelFailure(reason, f"HTTP {status}")


def _keep_request_bodies_out_of_logs() -> None:
    # The SDK logs whole request bodies (the draft) at DEBUG; never let that through.
    sdk_logger = logging.getLogger("openai")
    if sdk_logger.getEffectiveLevel() < logging.INFO:
        sdk_logger.setLevel(logging.INFO)
