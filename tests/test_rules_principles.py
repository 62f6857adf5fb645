"""Each principle, on drafts written for these tests: ones that pass and ones that fail."""

from __future__ import annotations

import pytest

from bot import review_with_rules
from bot.models import Review

GOOD_COLD = (
    "Hi Marta,\n\nYour post about retiring the Friday release freeze at Ostrava Logistics made "
    'me rethink ours — especially the line "freezes hide risk, they don\'t remove it".\n\n'
    "How did you convince the support team that more frequent releases would not mean more "
    "weekend pages?\n\nWe're weighing the same change next quarter, so your view would help. "
    "Happy to trade notes over a 15-minute call.\n\nBest,\nOwen"
)
GOOD_RECONNECT = (
    "Hi Tomasz,\n\nIt's been far too long since we shipped the warehouse scanner app together "
    "in Gdansk, and that's on me. Sorry for going quiet.\n\nI saw you moved to the "
    "payments team at Zabka last spring. What has surprised you most about working on "
    "payments after all those years in logistics?\n\nI'm weighing a similar move, so I'd value "
    "your view. Could we catch up over coffee next month?\n\nCheers,\nAnia"
)
SELF_OPENING = (
    "Hi Jonas,\n\nI'm a senior product designer with 12 years of experience and I run a small "
    "studio in Leipzig. I loved your talk on accessible checkout flows at UX Berlin — how did "
    "you test it with screen-reader users?\n\nBest,\nLea"
)
PITCH = (
    "Hi Carmen,\n\nYour post on moving Sevilla Bikes to same-day repairs was great. How did "
    "your mechanics take to it?\n\nWe help companies like yours cut booking no-shows by 40% "
    "with our scheduling platform. Happy to show you a quick demo.\n\nBest,\nRui"
)
GENERIC = (
    "Hello,\n\nI came across your profile and noticed we have lots of mutual connections. "
    "I'm always keen to grow my network. Let's connect!\n\nThanks,\nSam"
)
NO_REASON = (
    "Hi Imani,\n\nI noticed your work at Lagos Fintech Hub and would love to connect. "
    "Looking forward to connecting!\n\nBest,\nKofi"
)
BLAME_GAP = (
    "Hey Rowan,\n\nWe lost touch after you moved to Dublin — life got busy, I guess. I still "
    "think about the hack week we ran on the fraud model. What are you working on at Stripe "
    "these days?\n\nCheers,\nPia"
)
UNOWNED_GAP = (
    "Hey Rowan,\n\nLong time no talk! I still think about the hack week we ran on the fraud "
    "model at Revolut. How is the new risk team shaping up?\n\nCheers,\nPia"
)
CTA_ONLY = (
    "Hi Femi,\n\nYour article on pricing API access by seat rather than by call was sharp, "
    "especially the point about finance teams hating usage bills. Are you free for a 15-minute "
    "call next week?\n\nBest,\nJo"
)


def status(review: Review, principle_id: str) -> str:
    result = review.principle(principle_id)
    assert result is not None
    return result.status


def test_a_thoughtful_cold_note_can_be_sent() -> None:
    review = review_with_rules(GOOD_COLD)
    assert review.kind == "cold"
    assert review.verdict == "send"
    assert review.score >= 75
    assert status(review, "owns_the_gap") == "n/a"
    assert not review.violations()


def test_a_thoughtful_reconnect_note_owns_the_gap_and_can_be_sent() -> None:
    review = review_with_rules(GOOD_RECONNECT)
    assert review.kind == "reconnect"
    assert status(review, "owns_the_gap") == "pass"
    assert review.verdict == "send"


def test_opening_with_your_credentials_fails_about_them() -> None:
    review = review_with_rules(SELF_OPENING)
    assert status(review, "about_them") == "fail"
    finding = review.principle("about_them").findings[0]  # type: ignore[union-attr]
    assert finding.quote.startswith("I'm a senior product designer")
    assert status(review, "asks_questions") == "pass"


def test_a_product_pitch_fails_no_pitch_and_quotes_the_pitch() -> None:
    review = review_with_rules(PITCH)
    assert status(review, "no_pitch") == "fail"
    quotes = " ".join(f.quote for f in review.principle("no_pitch").findings)  # type: ignore[union-attr]
    assert "companies like yours" in quotes and "demo" in quotes
    assert status(review, "specific") == "pass"  # the post is a real detail
    assert review.verdict == "revise"


def test_filler_is_not_specific_and_gives_no_reason() -> None:
    review = review_with_rules(GENERIC)
    assert status(review, "specific") == "fail"
    assert status(review, "clear_reason") == "fail"
    assert review.verdict == "rewrite"
    assert review.score < 45


def test_an_employer_name_alone_is_not_a_reason_to_connect() -> None:
    review = review_with_rules(NO_REASON)
    assert status(review, "specific") == "fail"
    assert status(review, "clear_reason") == "fail"
    assert status(review, "asks_questions") == "fail"


def test_blaming_life_for_the_gap_fails_owns_the_gap() -> None:
    review = review_with_rules(BLAME_GAP)
    assert review.kind == "reconnect"
    gap = review.principle("owns_the_gap")
    assert gap is not None and gap.status == "fail"
    assert gap.findings[0].quote == "We lost touch"


def test_a_gap_that_is_named_but_not_owned_fails() -> None:
    review = review_with_rules(UNOWNED_GAP)
    assert review.kind == "reconnect"
    assert status(review, "owns_the_gap") == "fail"
    assert status(review, "asks_questions") == "pass"


def test_a_follow_up_days_after_meeting_has_no_gap_to_own() -> None:
    text = (
        "Hi Noor,\n\nGreat meeting you at the Bristol climate-tech meetup yesterday. Your point "
        "about heat pumps needing installers more than subsidies stuck with me. Which training "
        "programmes have you seen work?\n\nBest,\nEd"
    )
    review = review_with_rules(text)
    assert review.kind == "reconnect"
    assert status(review, "owns_the_gap") == "pass"


def test_a_call_to_action_is_not_a_genuine_question() -> None:
    review = review_with_rules(CTA_ONLY)
    questions = review.principle("asks_questions")
    assert questions is not None and questions.status == "fail"
    assert "free for a 15-minute call" in questions.findings[0].quote


@pytest.mark.parametrize(
    "text",
    [
        "Hi Dara, your thread on flaky CI at Monzo was great. I'd love to hear how you decided "
        "which tests to quarantine first.",
        "Hi Dara, your thread on flaky CI at Monzo was great. Curious whether the quarantine "
        "list shrank after the first month.",
    ],
)
def test_an_indirect_question_about_them_counts(text: str) -> None:
    assert status(review_with_rules(text), "asks_questions") == "pass"


def test_merge_fields_are_a_template_not_a_detail() -> None:
    review = review_with_rules(
        "Hi {{first_name}},\n\nI loved what {{company}} is doing. Would you be open to a chat?"
    )
    specific = review.principle("specific")
    assert specific is not None and specific.status == "fail"
    assert any(f.quote == "{{first_name}}" for f in specific.findings)


def test_chat_mentions_and_links_are_not_personal_detail() -> None:
    review = review_with_rules(
        "Hey <@U024BE7LH> <!channel> check <https://example.com/deck|our deck> and "
        "<#C123|general> :wave: Would love to connect!"
    )
    assert status(review, "specific") == "fail"


def test_suggested_questions_fit_the_draft() -> None:
    review = review_with_rules(CTA_ONLY)
    assert 2 <= len(review.questions) <= 3
    assert any("write" in q or "published" in q for q in review.questions)  # it mentions an article
    reconnect = review_with_rules(UNOWNED_GAP)
    assert 2 <= len(reconnect.questions) <= 3
    assert reconnect.questions != review.questions


def test_verdict_and_score_agree() -> None:
    for text in (GOOD_COLD, GOOD_RECONNECT, SELF_OPENING, PITCH, GENERIC, NO_REASON, BLAME_GAP):
        review = review_with_rules(text)
        low, high = {"send": (75, 100), "revise": (45, 74), "rewrite": (0, 44)}[review.verdict]
        assert low <= review.score <= high


def test_long_drafts_are_cut_with_a_note() -> None:
    review = review_with_rules(GOOD_COLD + " More detail." * 2000)
    assert any("only the first 10,000" in note for note in review.notes)
    for p in review.principles:
        for f in p.findings:
            assert f.end <= 10_000


def test_a_classic_sales_intro_fails_about_them_pitch_and_reason() -> None:
    review = review_with_rules(
        "Hi Priya,\n\nI hope this email finds you well. My name is Daniel and I'm a sales rep at "
        "CloudKeep, the leading backup solution for mid-market companies. We've helped over 300 "
        "businesses protect their data.\n\nWould you be open to a 20-minute call next week?\n\n"
        "Best,\nDaniel"
    )
    for principle_id in ("about_them", "no_pitch", "specific", "asks_questions"):
        assert status(review, principle_id) == "fail", principle_id
    assert review.verdict == "rewrite"


def test_titles_in_the_greeting_do_not_hide_a_self_centred_opening() -> None:
    review = review_with_rules(
        "Hello Dr. Okafor,\n\nI am a second-year PhD student at Edinburgh working on vector "
        "genomics. I have attached my CV.\n\nKind regards,\nSiobhan"
    )
    finding = review.principle("about_them").findings[0]  # type: ignore[union-attr]
    assert finding.quote.startswith("I am a second-year PhD student")
    assert status(review, "no_pitch") == "fail"  # the CV, unasked


def test_an_apology_for_the_silence_makes_it_a_reconnect_that_owns_the_gap() -> None:
    review = review_with_rules(
        "Rahul, I owe you an apology. You helped me prep for my interviews back in 2022 and I "
        "never properly thanked you. I still use your 'explain it to a 12-year-old' trick. How "
        "did the payments team handle the UPI outage in March?"
    )
    assert review.kind == "reconnect"
    assert status(review, "owns_the_gap") == "pass"
    assert review.verdict == "send"


def test_how_are_you_is_a_pleasantry_but_how_are_you_balancing_is_a_question() -> None:
    pleasantry = review_with_rules("Hi Jo, your Lisbon talk on pricing was sharp. How are you?")
    assert status(pleasantry, "asks_questions") == "fail"
    real = review_with_rules(
        "Hi Jo, your Lisbon talk on pricing was sharp. How are you balancing seats and usage?"
    )
    assert status(real, "asks_questions") == "pass"


def test_a_bare_follow_up_asks_nothing_about_them() -> None:
    review = review_with_rules(
        "Hi Jordan, following up on my email from last week. Did you get a chance to look at "
        "it? Let me know if you have any questions.\n\nBest,\nMia"
    )
    assert status(review, "about_them") == "fail"
    assert status(review, "asks_questions") == "fail"
    assert review.verdict == "rewrite"


def test_a_referral_opening_is_about_the_shared_contact_not_the_sender() -> None:
    review = review_with_rules(
        "Hi Mark, Anna Lopez suggested I reach out. She mentioned you led the migration from "
        "Oracle to Postgres at Zalando. What would you do differently if you started again?"
    )
    assert status(review, "about_them") == "pass"
    assert review.verdict == "send"


def test_a_quoted_episode_is_a_detail_and_asking_how_they_would_do_it_is_a_question() -> None:
    review = review_with_rules(
        "Hey Chen, loved your podcast episode with Lenny on pricing experiments, especially the "
        "bit about never testing price on existing customers. We're about to run our first test. "
        "Open to a 20-minute call so I can ask how you'd set it up?"
    )
    for principle_id in ("specific", "clear_reason", "asks_questions"):
        assert status(review, principle_id) == "pass", principle_id


def test_congratulations_on_nothing_in_particular_are_not_a_detail() -> None:
    review = review_with_rules("Hi Tom, congrats on the new role! Would love to connect.")
    assert status(review, "specific") == "fail"
    named = review_with_rules("Hi Tom, congrats on the Series B! Would love to connect.")
    assert status(named, "specific") == "pass"


def test_saw_you_are_hiring_so_i_reached_out_leads_with_the_sender() -> None:
    review = review_with_rules(
        "Hi Olu, I saw Paystack is hiring a platform engineer and thought I'd reach out. "
        "Would you be open to referring me?"
    )
    assert status(review, "about_them") == "fail"
    assert status(review, "clear_reason") == "pass"  # a referral is a clear ask


def test_an_apology_followed_by_an_excuse_and_a_pitch() -> None:
    review = review_with_rules(
        "Hey Mei, sorry it's been so long! Crazy year. Anyway, we just launched our new "
        "analytics product and I think it'd be perfect for your team. Want a demo?"
    )
    assert review.kind == "reconnect"
    assert status(review, "owns_the_gap") == "fail"  # the excuse undoes the apology
    assert status(review, "about_them") == "fail"
    assert status(review, "no_pitch") == "fail"


def test_a_shared_memory_is_a_detail_and_not_about_the_sender() -> None:
    review = review_with_rules(
        "Yuki - it's been way too long, and that's my fault. I think about our late nights "
        "shipping the checkout redesign all the time. I'd love to hear what you're building "
        "at Mercari."
    )
    assert review.verdict == "send"


def test_praising_them_is_not_self_praise_but_praising_your_product_is() -> None:
    theirs = review_with_rules(
        "Hi Jamie, I've been terrible at keeping in touch, and I'm sorry. I saw on Instagram "
        "that you finished your first marathon in Chicago, which is amazing. How did the "
        "training go with your knee?"
    )
    assert status(theirs, "no_pitch") == "pass"
    assert status(theirs, "specific") == "pass"
    ours = review_with_rules("Hi Jamie, our amazing app will revolutionize your training.")
    assert status(ours, "no_pitch") == "fail"


def test_it_has_been_a_minute_is_a_gap_to_own() -> None:
    review = review_with_rules(
        "Hey Jo, it's been a minute! How's the new studio in Leeds treating you?"
    )
    assert review.kind == "reconnect"
    assert status(review, "owns_the_gap") == "fail"


def test_the_last_place_you_spoke_is_shared_history() -> None:
    review = review_with_rules(
        "Hi Ana, hope you've been well since we last spoke at the offsite in May! How did the "
        "reorg land for your team?"
    )
    assert status(review, "specific") == "pass"
    assert status(review, "owns_the_gap") == "fail"  # named, not owned


def test_wishing_it_would_be_great_to_connect_is_not_a_past_meeting() -> None:
    review = review_with_rules(
        "Hi Tove, we're both in the Nordic Product group and I'm always keen to meet people in "
        "the space. Would be great to connect.\n\nBest,\nAri"
    )
    assert review.kind == "cold"
    assert status(review, "clear_reason") == "fail"
    met = review_with_rules(
        "Hi Tove, it was great to meet you at the Nordic Product meetup on Thursday. How did "
        "the roadmap workshop go?"
    )
    assert met.kind == "reconnect"


@pytest.mark.parametrize(
    "text",
    [
        "Dear Hiring Manager,\n\nI am excited to apply for any open role at your company. "
        "Please find my CV attached.\n\nRegards,\nDev",
        "Hi Ola,\n\nWe haven't spoken in a while. I'm now at Brightmetrics selling dashboards "
        "that help teams like yours report faster. Free for a demo?\n\nBest,\nKim",
    ],
    ids=["applying", "now-at-my-company"],
)
def test_openings_about_the_senders_news_or_application_lead_with_self(text: str) -> None:
    assert status(review_with_rules(text), "about_them") == "fail"


def test_an_apology_for_a_promise_not_kept_after_a_year_owns_the_gap() -> None:
    review = review_with_rules(
        "Hi Carla,\n\nI realise it's been over a year since the Lisbon offsite and I never sent "
        "the notes I promised. My apologies! Last time you were still choosing a venue for the "
        "design week. How did it turn out?\n\nBest,\nTeo"
    )
    assert review.kind == "reconnect"
    for principle in ("owns_the_gap", "about_them", "specific", "asks_questions"):
        assert status(review, principle) == "pass", principle


def test_making_the_call_is_a_decision_not_a_meeting_request() -> None:
    asks = review_with_rules(
        "Hi Ivo, your thread on moving back to a monolith was the clearest I've read. How big "
        "was the team when you made the call?"
    )
    assert status(asks, "asks_questions") == "pass"
    schedules = review_with_rules(
        "Hi Ivo, we help teams like yours ship faster. Are you free Thursday?"
    )
    assert status(schedules, "asks_questions") == "fail"


@pytest.mark.parametrize(
    ("text", "principle", "expected"),
    [
        (
            "Hi Rui, I'm contacting a few people in logistics because I like learning from "
            "others. No specific ask, just thought it would be nice to connect.\n\nCheers,\nMo",
            "clear_reason",
            "fail",
        ),
        (
            "Hi there, I'm a big fan of your company and would love to learn more about what "
            "you do. Let me know if you're open to a chat.",
            "clear_reason",
            "fail",
        ),
        (
            "Hi Noor, your team at Kestrel is hiring and your job post mentions the move off "
            "Jenkins. I led that move at Tallow last year. What is the riskiest part for you?",
            "specific",
            "pass",
        ),
        (
            "Hi Ramona, I'm organising the Riga data meetup and your blog series on dbt testing "
            "is what our members keep asking about. Would you give a 20-minute talk in June?",
            "specific",
            "pass",
        ),
        (
            "Hi Sade, I have an exciting opportunity for a Staff Data Engineer at a fast-growing "
            "insurer, fully remote. Are you open to new opportunities?",
            "no_pitch",
            "fail",
        ),
        (
            "Dear Ms. Ilves, your op-ed in the Postimees on school meals argued that cooking on "
            "site is cheaper. Our school board votes in May. What should we ask the caterer?",
            "specific",
            "pass",
        ),
        (
            "Hi Ali, it's been too long, and that's on me. When we shared an office at Wise you "
            "kept a wiki of every outage. Do you still keep it?",
            "specific",
            "pass",
        ),
        (
            "Hi Wen, you answered my question about async lifetimes on the Rust forum and it "
            "unblocked my first crate. What part of async do you think is still badly explained?",
            "specific",
            "pass",
        ),
        (
            "Hi Karin, I read that your team won the city's design award for the harbour "
            "lights. How did you get the council to agree to the colour scheme?",
            "no_pitch",
            "pass",
        ),
        (
            "Hi Chi, your GitHub issue about flaky webhook tests described the race we hit last "
            "week. Did you end up retrying on your side?",
            "specific",
            "pass",
        ),
        (
            "Hi Dev, I'm sorry I went quiet after you helped me prepare for my driving test; I "
            "passed! How is the volunteer clinic doing?",
            "specific",
            "pass",
        ),
        (
            "Hi Ola, I owe you an apology for going quiet after our last call in March. You were "
            "weighing a second café. Did you go for it?",
            "specific",
            "pass",
        ),
        (
            "Hi Greta, your pottery class at the library last spring got me hooked. What usually "
            "causes cracks in the base of a large bowl?",
            "specific",
            "pass",
        ),
        (
            "Hi Jess, it's been ages! I recently started my own consulting business helping "
            "firms go digital. Would love to tell you more about it over coffee.",
            "no_pitch",
            "fail",
        ),
        (
            "Hi Eduardo, your answer on the SQLite forum about partial indexes for archived rows "
            "saved us a week. Does the same trick hold with WAL replicas?",
            "specific",
            "pass",
        ),
    ],
    ids=[
        "no-specific-ask",
        "learn-what-you-do",
        "job-post-mentions",
        "blog-series",
        "recruiter-opportunity",
        "op-ed",
        "when-we-shared-an-office",
        "you-answered",
        "their-award-is-not-my-pitch",
        "github-issue",
        "you-helped-me",
        "our-last-call-in-march",
        "pottery-class",
        "my-new-consulting-business",
        "forum-answer",
    ],
)
def test_one_principle_on_a_draft(text: str, principle: str, expected: str) -> None:
    assert status(review_with_rules(text), principle) == expected


def test_what_they_said_in_public_is_not_a_past_conversation() -> None:
    public = "Hi Jo, in your talk you said onboarding is the hardest part. How do you measure it?"
    private = "Hi Jo, you mentioned you were moving to Berlin in spring. How is the new flat?"
    assert review_with_rules(public).kind == "cold"
    assert review_with_rules(private).kind == "reconnect"


def test_a_wish_to_stay_in_touch_is_not_a_shared_past() -> None:
    review = review_with_rules(
        "Hi Sam, I came across your GitHub profile and was really impressed. I'd love to "
        "connect and stay in touch.\n\nBest,\nLee"
    )
    assert review.kind == "cold"
    assert review.verdict == "rewrite"


def test_opening_with_who_you_help_leads_with_self() -> None:
    review = review_with_rules(
        "Hi Ada, I help founders like you save ten hours a week with automation. Interested in "
        "learning more?"
    )
    assert status(review, "about_them") == "fail"
    assert status(review, "no_pitch") == "fail"


def test_calling_yourself_a_terrible_correspondent_owns_the_gap() -> None:
    review = review_with_rules(
        "Hi Marek, I've been a terrible correspondent since the Gdansk meetup, and I'm sorry. "
        "You were about to hand the app to a new team. How did the handover go?"
    )
    assert review.kind == "reconnect"
    assert status(review, "owns_the_gap") == "pass"
    assert status(review, "about_them") == "pass"
