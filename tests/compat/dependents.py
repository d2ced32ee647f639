"""Real dependents of replicate 1.x, driven the way their users drive them.

Run as ``python -P dependents.py GROUP`` in a venv holding the dependents and either
replicate 1.0.7 or ours, with ``REPLICATE_BASE_URL`` pointing at an emulator that serves
``meta/meta-llama-3-8b-instruct`` (see emulated_models.py) and ``REPLICATE_API_TOKEN`` set.
Prints one JSON object: what each call returned (and, for the instrumentation, the spans).
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

LLAMA = "meta/meta-llama-3-8b-instruct"
LLAMA_VERSION = os.environ.get("COMPAT_LLAMA_VERSION", "")
PROMPT = "Why are there tides?"


def langchain() -> dict[str, Any]:
    from langchain_community.llms import Replicate

    kwargs = {"max_tokens": 40, "temperature": 0.5}
    llm = Replicate(model=LLAMA, model_kwargs=kwargs)
    streaming = Replicate(model=LLAMA, model_kwargs=kwargs, streaming=True)
    by_version = Replicate(model=f"{LLAMA}:{LLAMA_VERSION}", model_kwargs=kwargs)

    async def async_calls() -> list[Any]:
        return [
            await llm.ainvoke(PROMPT),
            [chunk async for chunk in streaming.astream(PROMPT)],
        ]

    return {
        "invoke": llm.invoke(PROMPT),
        "invoke_by_version": by_version.invoke(PROMPT),
        "streaming_invoke": streaming.invoke(PROMPT),
        "stream": list(streaming.stream(PROMPT)),
        "stop": llm.invoke(PROMPT, stop=["STOP"]),
        "streaming_stop": streaming.invoke(PROMPT, stop=["STOP"]),
        "async": asyncio.run(async_calls()),
    }


def llama_index() -> dict[str, Any]:
    from llama_index.core.llms import ChatMessage
    from llama_index.llms.replicate import Replicate

    llm = Replicate(model=LLAMA, temperature=0.5, additional_kwargs={"max_tokens": 40})
    messages = [ChatMessage(role="user", content=PROMPT)]

    async def async_calls() -> list[Any]:
        completion = await llm.acomplete(PROMPT)
        chat = await llm.achat(messages)
        return [completion.text, str(chat.message.content)]

    return {
        "complete": llm.complete(PROMPT).text,
        "stream_complete": [r.delta for r in llm.stream_complete(PROMPT)],
        "chat": str(llm.chat(messages).message.content),
        "stream_chat": [r.delta for r in llm.stream_chat(messages)],
        "async": asyncio.run(async_calls()),
    }


def llm_plugin() -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as home:
        os.environ["LLM_USER_PATH"] = home
        models = Path(home) / "replicate" / "models.json"
        models.parent.mkdir()
        entry = {"model": LLAMA, "version": LLAMA_VERSION, "chat": True, "aliases": ["llama3"]}
        models.write_text(json.dumps([entry]))
        import llm

        model = llm.get_model("llama3")
        conversation = model.conversation()
        first = conversation.prompt(PROMPT)
        second = conversation.prompt("And why twice a day?")
        return {
            "model_id": model.model_id,
            "prompt": model.prompt(PROMPT).text(),
            "chunks": list(model.prompt(PROMPT)),
            "conversation": [first.text(), second.text()],
        }


def instrumentation() -> dict[str, Any]:
    from opentelemetry.instrumentation.replicate import ReplicateInstrumentor
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import SimpleSpanProcessor
    from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    ReplicateInstrumentor().instrument(tracer_provider=provider)
    import replicate

    inputs = {"prompt": PROMPT, "max_tokens": 12}
    by_name = replicate.run(LLAMA, input=inputs)
    by_version = replicate.run(f"{LLAMA}:{LLAMA_VERSION}", input=inputs)
    results = {
        "run_by_name": [type(by_name).__name__, "".join(by_name)],
        "run_by_version": [type(by_version).__name__, "".join(by_version)],
        "stream": [str(e) for e in replicate.stream(LLAMA, input=inputs)],
        "create": replicate.predictions.create(version=LLAMA_VERSION, input=inputs).status,
    }
    spans = [
        {
            "name": span.name,
            "kind": str(span.kind),
            "status": str(span.status.status_code),
            "attributes": dict(span.attributes or {}),
        }
        for span in exporter.get_finished_spans()
    ]
    return {"results": results, "spans": spans}


GROUPS = {
    "langchain": langchain,
    "llama_index": llama_index,
    "llm": llm_plugin,
    "instrumentation": instrumentation,
}

if __name__ == "__main__":
    print(json.dumps(GROUPS[sys.argv[1]](), default=repr))
