"""Reviews and tips as Discord embeds, always within Discord's limits.

Limits (https://discord.com/developers/docs/resources/message#embed-object-embed-limits):
title 256, description 4,096, 25 fields of name 256 / value 1,024, footer 2,048, and 6,000
characters over every embed of one message; message content 2,000. Anything longer is cut
with a visible ellipsis (`bot.present.truncate`); a long rewrite goes to a text file.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

import discord

from bot.models import Finding, PrincipleResult, Review
from bot.ports import RenderedTip
from bot.present import KIND_LABEL, STATUS_ICON, VERDICT_LABEL, grader_line, headline, truncate

TITLE_MAX = 256
FIELDS_MAX = 25
FIELD_NAME_MAX = 256
FIELD_VALUE_MAX = 1024
FOOTER_MAX = 2048
MESSAGE_EMBEDS_TOTAL = 6000
CONTENT_MAX = 2000
QUOTE_MAX = 200
# The main embed's description (kind and notes) is kept short so the principles get the room.
SUMMARY_MAX = 1200
REWRITE_INLINE_MAX = 3800

VERDICT_COLOUR = {"send": 0x2ECC71, "revise": 0xF1C40F, "rewrite": 0xE74C3C}
TIP_COLOUR = 0x5865F2
NO_FINDINGS = {
    "pass": "Looks good.",
    "n/a": "Not applicable to this draft.",
    "warn": "Worth another look.",
    "fail": "Needs work.",
}


@dataclass
class Rendered:
    """What one message carries: embeds, maybe text content and files."""

    embeds: list[discord.Embed]
    content: str | None = None
    file_texts: dict[str, str] = field(default_factory=dict)

    def files(self) -> list[discord.File]:
        """Fresh `discord.File` objects (a File is consumed by one send)."""
        return [
            discord.File(io.BytesIO(text.encode("utf-8", errors="replace")), filename=name)
            for name, text in self.file_texts.items()
        ]


def review_embed(review: Review) -> discord.Embed:
    title = truncate(f"Outreach review: {headline(review)}", TITLE_MAX)
    summary = [f"**{KIND_LABEL[review.kind]}** · {VERDICT_LABEL[review.verdict]}"]
    summary += [f"• {note}" for note in review.notes]
    embed = discord.Embed(
        title=title,
        description=truncate("\n".join(summary), SUMMARY_MAX),
        colour=VERDICT_COLOUR[review.verdict],
    )
    fields = [(_principle_name(p), _principle_value(p)) for p in review.principles]
    if review.questions:
        questions = "\n".join(f"• {q}" for q in review.questions)
        fields.append(("Questions you could ask", questions))
    fields = fields[:FIELDS_MAX]
    footer = truncate(grader_line(review), FOOTER_MAX)
    fixed = len(title) + len(embed.description or "") + len(footer)
    fixed += sum(len(name) for name, _ in fields)
    # One spare character per field: an emptied value still shows "…".
    budget = MESSAGE_EMBEDS_TOTAL - fixed - len(fields)
    limits = _share([len(value) for _, value in fields], budget, FIELD_VALUE_MAX)
    for (name, value), limit in zip(fields, limits, strict=True):
        embed.add_field(name=name, value=truncate(value, limit) or "…", inline=False)
    embed.set_footer(text=footer)
    return embed


def render_review(review: Review) -> Rendered:
    return Rendered(embeds=[review_embed(review)])


def render_rewrite(review: Review) -> Rendered:
    """The model's rewrite: inline when it fits an embed, else as `rewrite.txt`."""
    rewrite = review.rewrite or ""
    colour = VERDICT_COLOUR[review.verdict]
    if len(rewrite) <= REWRITE_INLINE_MAX:
        embed = discord.Embed(title="Suggested rewrite", description=rewrite, colour=colour)
        return Rendered(embeds=[embed])
    note = "The rewrite is long, so it is attached as a text file."
    embed = discord.Embed(title="Suggested rewrite", description=note, colour=colour)
    return Rendered(embeds=[embed], file_texts={"rewrite.txt": rewrite})


def review_as_text(review: Review) -> str:
    """A plain-text review for channels where the bot may not embed links."""
    lines = [f"**Outreach review: {headline(review)}**"]
    for principle in review.principles:
        first = principle.findings[0].message if principle.findings else ""
        lines.append(f"{STATUS_ICON[principle.status]} {principle.title} {first}".rstrip())
    lines.append(f"_{grader_line(review)}_")
    return truncate("\n".join(lines), CONTENT_MAX)


def tip_embed(tip: RenderedTip) -> discord.Embed:
    embed = discord.Embed(
        title=truncate(f"Outreach tip: {tip.title}", TITLE_MAX),
        description=truncate(tip.body, 2000),
        colour=TIP_COLOUR,
    )
    embed.add_field(name="Before", value=truncate(_quote(tip.before, 900), FIELD_VALUE_MAX))
    embed.add_field(name="After", value=truncate(_quote(tip.after, 900), FIELD_VALUE_MAX))
    if tip.digest:
        embed.add_field(name="Your team last week", value=truncate(tip.digest, 600), inline=False)
    embed.set_footer(text=truncate(f"Principle: {tip.principle_title}", FOOTER_MAX))
    return embed


def embeds_total(embeds: list[discord.Embed]) -> int:
    """Characters Discord counts towards the 6,000 per-message limit."""
    total = 0
    for embed in embeds:
        total += len(embed.title or "") + len(embed.description or "")
        total += len(embed.footer.text or "") + len(embed.author.name or "")
        total += sum(len(f.name or "") + len(f.value or "") for f in embed.fields)
    return total


def _principle_name(principle: PrincipleResult) -> str:
    return truncate(f"{STATUS_ICON[principle.status]} {principle.title}", FIELD_NAME_MAX)


def _principle_value(principle: PrincipleResult) -> str:
    if not principle.findings:
        return NO_FINDINGS[principle.status]
    return "\n".join(_finding_text(f) for f in principle.findings)


def _finding_text(finding: Finding) -> str:
    parts = []
    if finding.quote.strip():
        parts.append(_quote(finding.quote, QUOTE_MAX))
    parts.append(discord.utils.escape_markdown(finding.message))
    if finding.suggestion:
        parts.append(f"→ {discord.utils.escape_markdown(finding.suggestion)}")
    return "\n".join(parts)


def _quote(text: str, limit: int) -> str:
    one_line = " ".join(text.split())
    return f"> “{discord.utils.escape_markdown(truncate(one_line, limit))}”"


def _share(lengths: list[int], budget: int, cap: int) -> list[int]:
    """Fair limits for several texts sharing `budget`: short ones keep all, long ones split."""
    limits = [min(length, cap) for length in lengths]
    if sum(limits) <= budget:
        return limits
    remaining = max(budget, 0)
    order = sorted(range(len(limits)), key=limits.__getitem__)
    for position, index in enumerate(order):
        fair = remaining // (len(order) - position)
        limits[index] = min(limits[index], fair)
        remaining -= limits[index]
    return limits
