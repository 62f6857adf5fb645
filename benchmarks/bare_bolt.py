"""The bare app of `load_slack`: slack-bolt's `AsyncApp` that only acks `/reviewoutreach`.

Run by `load_slack` as `python -m benchmarks.bare_bolt` with `PORT`, `SLACK_BOT_TOKEN`,
`SLACK_API_URL` and `BARE_ANSWER_AFTER_ACK` (1: bolt's `process_before_response`) set.
"""

from __future__ import annotations

import asyncio
import os

from aiohttp import web

from benchmarks._loadlib import SECRET


async def serve_bare() -> None:
    import signal

    from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
    from slack_bolt.async_app import AsyncAck, AsyncApp
    from slack_sdk.web.async_client import AsyncWebClient

    client = AsyncWebClient(
        token=os.environ["SLACK_BOT_TOKEN"], base_url=os.environ["SLACK_API_URL"]
    )
    app = AsyncApp(
        client=client,
        signing_secret=SECRET,
        process_before_response=os.environ.get("BARE_ANSWER_AFTER_ACK") == "1",
    )

    @app.command("/reviewoutreach")
    async def ack_only(ack: AsyncAck) -> None:
        await ack()

    async def dispatch(request: web.Request) -> web.Response:
        return await to_aiohttp_response(await app.async_dispatch(await to_bolt_request(request)))

    web_app = web.Application()
    web_app.add_routes([web.post("/slack/events", dispatch)])
    runner = web.AppRunner(web_app, access_log=None)
    await runner.setup()
    # the bot's listen backlog too, so both see the same kernel queue
    await web.TCPSite(runner, "127.0.0.1", int(os.environ["PORT"]), backlog=1024).start()
    stop = asyncio.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        asyncio.get_running_loop().add_signal_handler(signum, stop.set)
    try:
        await asyncio.wait_for(stop.wait(), timeout=1800)
    except TimeoutError:
        pass
    await runner.cleanup()


if __name__ == "__main__":
    asyncio.run(serve_bare())
