"""Block Kit rendering: reviews, rewrites, tips, the draft modal and the help.

Within Slack's limits whatever the input: at most 50 blocks, section text at most
3,000 characters, header at most 150, long content cut with a visible "…", and
every piece of user text escaped. Every message also gets a plain `text` fallback.
"""

from __future__ import annotations

import json
from typing import Any, Literal

from adapters.slack.mrkdwn import escape, one_line, truncate_escaped
from bot.models import Finding, PrincipleResult, Review
from bot.policy import ReactionTrigger
from bot.ports import RenderedTip
from bot.present import (
    KIND_LABEL,
    STATUS_ICON,
    STATUS_MARK,
    grader_line,
    headline,
    help_text,
    truncate,
)

Block = dict[str, Any]
Mode = Literal["private", "thread", "shared"]

MAX_BLOCKS = 50
MAX_SECTION = 3000
MAX_HEADER = 150
MAX_CONTEXT = 2000
MAX_FALLBACK = 3000
MAX_FINDINGS_SHOWN = 4
MAX_QUOTE = 280
MAX_REWRITE_SECTIONS = 8
MODAL_CALLBACK = "review_modal"
MODAL_BLOCK = "draft"
MODAL_INPUT = "text"
DRAFT_BOX_LIMIT = 3000

ACTION_SHARE = "review_share"
ACTION_REWRITE = "review_rewrite"
ACTION_VOTE_UP = "review_vote_up"
ACTION_VOTE_DOWN = "review_vote_down"


def section(text: str) -> Block:
    return {
        "type": "section",
        "text": {"type": "mrkdwn", "text": truncate_escaped(text, MAX_SECTION)},
    }


def context(text: str) -> Block:
    return {
        "type": "context",
        "elements": [{"type": "mrkdwn", "text": truncate_escaped(text, MAX_CONTEXT)}],
    }


def header(text: str) -> Block:
    return {"type": "header", "text": {"type": "plain_text", "text": truncate(text, MAX_HEADER)}}


def button(text: str, action_id: str, value: str, style: str | None = None) -> Block:
    element: Block = {
        "type": "button",
        "text": {"type": "plain_text", "text": text, "emoji": True},
        "action_id": action_id,
        "value": value,
    }
    if style:
        element["style"] = style
    return element


def _finding_lines(finding: Finding, with_quote: bool) -> list[str]:
    lines = []
    if with_quote and finding.quote.strip():
        lines.append("> " + escape(one_line(truncate(finding.quote, MAX_QUOTE))))
    lines.append(escape(truncate(one_line(finding.message), 600)))
    if finding.suggestion.strip():
        lines.append("_Try:_ " + escape(truncate(one_line(finding.suggestion), 600)))
    return lines


def principle_section(result: PrincipleResult, with_quotes: bool) -> Block:
    lines = [f"{STATUS_ICON.get(result.status, '')} *{escape(result.title)}*"]
    for finding in result.findings[:MAX_FINDINGS_SHOWN]:
        lines += _finding_lines(finding, with_quotes)
    hidden = len(result.findings) - MAX_FINDINGS_SHOWN
    if hidden > 0:
        lines.append(f"…and {hidden} more on this point.")
    return section("\n".join(lines))


def review_actions(review: Review, mode: Mode) -> Block:
    elements = []
    if mode == "private":
        elements.append(button("Share in channel", ACTION_SHARE, review.review_id, "primary"))
    if review.rewrite:
        elements.append(button("Show rewrite", ACTION_REWRITE, review.review_id))
    elements.append(button("👍 Helpful", ACTION_VOTE_UP, review.review_id))
    elements.append(button("👎 Not helpful", ACTION_VOTE_DOWN, review.review_id))
    return {"type": "actions", "block_id": "review_actions", "elements": elements}


def review_blocks(
    review: Review, mode: Mode = "private", shared_by: str | None = None
) -> list[Block]:
    """A review as blocks. "shared" leaves out every quote of the draft and the buttons."""
    top: list[Block] = [header(headline(review))]
    if shared_by:
        top.append(
            context(f"Outreach review shared by <@{escape(shared_by)}> (the draft is not shown)")
        )
    bottom: list[Block] = []
    if review.questions:
        questions = [f"• {escape(truncate(one_line(q), 500))}" for q in review.questions]
        bottom.append(section("*Questions you could ask instead*\n" + "\n".join(questions)))
    notes = " · ".join(escape(truncate(one_line(n), 300)) for n in review.notes)
    line = f"{KIND_LABEL[review.kind]} · {escape(grader_line(review))}"
    bottom.append(context(f"{line}\n{notes}" if notes else line))
    if mode != "shared":
        bottom.append(review_actions(review, mode))
    room = MAX_BLOCKS - len(top) - len(bottom)
    middle = [principle_section(p, with_quotes=mode != "shared") for p in review.principles]
    if len(middle) > room:
        middle = [*middle[: room - 1], context("…more principles than fit in one message.")]
    return [*top, *middle, *bottom]


def review_fallback(review: Review) -> str:
    """The notification and screen-reader text: headline and one mark per principle."""
    marks = ", ".join(f"{p.title} {STATUS_MARK.get(p.status, '?')}" for p in review.principles)
    return truncate_escaped(escape(f"Outreach review: {headline(review)}. {marks}"), MAX_FALLBACK)


def rewrite_blocks(review: Review) -> list[Block]:
    rewrite = review.rewrite or ""
    chunks = [rewrite[i : i + 2000] for i in range(0, len(rewrite), 2000)]
    blocks = [section("*Suggested rewrite* (only you can see this; make it sound like you)")]
    blocks += [section(escape(chunk)) for chunk in chunks[:MAX_REWRITE_SECTIONS]]
    if len(chunks) > MAX_REWRITE_SECTIONS:
        blocks.append(context("…the rest of the rewrite was cut to fit."))
    return blocks


def tip_blocks(tip: RenderedTip) -> list[Block]:
    blocks = [
        header(f"💡 {tip.title}"),
        section(escape(tip.body)),
        section(f"*Before*\n> {escape(one_line(tip.before))}"),
        section(f"*After*\n> {escape(one_line(tip.after))}"),
        context(f"Principle: {escape(tip.principle_title)}"),
    ]
    if tip.digest:
        blocks.append(context(escape(tip.digest)))
    return blocks


def tip_fallback(tip: RenderedTip) -> str:
    return truncate_escaped(escape(f"Outreach tip: {tip.title}"), MAX_FALLBACK)


HELP_COMMANDS = {
    "/reviewoutreach <draft>": "review a draft; only you see the review",
    "/reviewoutreach": "open a box to paste a multi-line draft",
    "/reviewoutreach help": "this help",
    "“Review outreach draft” (message shortcut)": "review any message, only you see it",
    "/outreachtips subscribe [weekday] [HH:MM] [timezone]": "a weekly tip in this channel",
    "/outreachtips unsubscribe | status | now | preview": "manage this channel's tips",
}


def help_blocks(reaction: ReactionTrigger | None) -> tuple[list[Block], str]:
    commands = dict(HELP_COMMANDS)
    if reaction is not None and reaction.name:
        commands[f"React with :{reaction.name}:"] = "review a message in its thread"
    text = help_text(commands)
    return [section(escape(text))], truncate_escaped(escape(text), MAX_FALLBACK)


def draft_modal(channel_id: str, response_url: str) -> Block:
    """The multi-line box `/reviewoutreach` opens when it has no text."""
    return {
        "type": "modal",
        "callback_id": MODAL_CALLBACK,
        "title": {"type": "plain_text", "text": "Outreach Review"},
        "submit": {"type": "plain_text", "text": "Review"},
        "close": {"type": "plain_text", "text": "Cancel"},
        "private_metadata": json.dumps({"channel": channel_id, "response_url": response_url}),
        "blocks": [
            {
                "type": "input",
                "block_id": MODAL_BLOCK,
                "label": {"type": "plain_text", "text": "Your draft"},
                "element": {
                    "type": "plain_text_input",
                    "action_id": MODAL_INPUT,
                    "multiline": True,
                    "max_length": DRAFT_BOX_LIMIT,
                    "placeholder": {
                        "type": "plain_text",
                        "text": "Paste the message you plan to send",
                    },
                },
                "hint": {
                    "type": "plain_text",
                    "text": "Up to 3,000 characters (Slack's limit for this box). Longer? Post it "
                    "and use the “Review outreach draft” message shortcut.",
                },
            },
            context("Only you will see the review."),
        ],
    }
