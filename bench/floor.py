"""The floor: a bare Bolt app that acks and answers with a static card, with no Pipedrive.

Whatever the floor takes is what Bolt, aiohttp and Python cost on this machine; the project's
figures are reported as multiples of it. Run as `python -m bench.floor` with the same
environment as the app (SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET, SLACK_API_URL, PORT, and
UNFURL_STYLE: it unfurls links as the app does, with a static Work Object by default, or with
the static card with `UNFURL_STYLE=blocks`).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from aiohttp import web
from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

# The demo person's card, captured once: the floor sends a card of the same size.
CARD: list[dict[str, Any]] = json.loads((Path(__file__).parent / "floor_card.json").read_text())
# The demo person's full Work Object preview, captured once (without its `app_unfurl_url`,
# which is each pasted link as received).
ENTITY: dict[str, Any] = json.loads((Path(__file__).parent / "floor_entity.json").read_text())


def floor_app() -> AsyncApp:
    style = os.environ.get("UNFURL_STYLE", "work_object").strip().lower()
    app = AsyncApp(
        client=AsyncWebClient(
            token=os.environ["SLACK_BOT_TOKEN"],
            base_url=os.environ.get("SLACK_API_URL", "https://slack.com/api/"),
        ),
        signing_secret=os.environ["SLACK_SIGNING_SECRET"],
    )

    @app.command("/person")
    async def person(ack: AsyncAck, respond: AsyncRespond) -> None:
        await ack()
        await respond(response_type="ephemeral", text="Will Smith", blocks=CARD)

    @app.action("refresh_person")
    async def refresh(ack: AsyncAck, respond: AsyncRespond) -> None:
        await ack()
        await respond(replace_original=True, text="Will Smith", blocks=CARD)

    @app.event("link_shared")
    async def unfurl(event: dict[str, Any], client: AsyncWebClient) -> None:
        target = {"unfurl_id": event["unfurl_id"], "source": event["source"]}
        if style == "blocks":
            unfurls = {link["url"]: {"blocks": CARD} for link in event["links"]}
            await client.chat_unfurl(unfurls=unfurls, **target)
            return
        entities = [{**ENTITY, "app_unfurl_url": link["url"]} for link in event["links"]]
        await client.chat_unfurl(metadata={"entities": entities}, **target)

    return app


async def healthz(request: web.Request) -> web.Response:
    return web.json_response({"ok": True})


if __name__ == "__main__":
    app = floor_app()
    server = app.server(port=int(os.environ.get("PORT", "3000")), path="/slack/events")
    # The same health route the app has, so the bench starts both the same way.
    server.web_app.router.add_get("/healthz", healthz)
    server.start()
