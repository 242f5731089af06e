"""The self-service chat (在线自助): conversations, rate limit, answers and hand-over tickets.

The decisions are `decisions.decide`; this module reads and writes what they need: the
conversation (`conversation.Conversation`, kept in a `ChatSession` row), the search results,
the customer, and the ticket a hand-over opens (through `closeloop.tickets.service.create_ticket`,
acting as the bot, carrying the conversation).
"""

from __future__ import annotations

import re
import uuid
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from closeloop.config import Settings
from closeloop.customers.models import Customer
from closeloop.db.engine import Database
from closeloop.db.hits import TableHitLog
from closeloop.kit.actor import Actor
from closeloop.kit.clock import Clock, system_clock
from closeloop.kit.errors import CloseLoopError, InvalidInput, TooManyRequests
from closeloop.kit.ratelimit import SlidingWindowLimiter
from closeloop.knowledge import script as scripts
from closeloop.knowledge.bot import account, levels, replies, scope
from closeloop.knowledge.bot import decisions as bot
from closeloop.knowledge.bot.conversation import (
    AwaitingNumber,
    Clarifying,
    Conversation,
    InScript,
    load,
    save,
)
from closeloop.knowledge.bot.evidence import evidence
from closeloop.knowledge.bot.faq_words import vocabulary_of
from closeloop.knowledge.bot.foreign_entity import foreign_modifiers
from closeloop.knowledge.bot.taxonomy import leaf_category
from closeloop.knowledge.events import (
    BotAnswered,
    ChatHandedOver,
    ChatStarted,
    ChatTicketOpened,
    ChatTurnSaid,
)
from closeloop.knowledge.models import Article, ChatHit, ChatSession
from closeloop.knowledge.schemas import ChatIn, ChatOut
from closeloop.knowledge.search.index import IndexDoc, KnowledgeIndex, Result
from closeloop.knowledge.search.live import index_for
from closeloop.knowledge.service import count_usage
from closeloop.runtime.work import Work

BOT_ACTOR = Actor(
    username="assist-bot", roles=("system",), permissions=frozenset({"tickets.create"})
)
WINDOW = timedelta(minutes=1)
MSISDN_IN_TEXT = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
SHORT_FOLLOW_UP = 10  # characters: a message this short is read together with the last one


def check_rate(session: Session, address: str | None, limit: int, clock: Clock) -> None:
    """Count a message from this client address; 429 when it sent `limit` in a minute.

    The messages are counted in `kb_chat_hits`, so every server process sees the same count;
    they are kept five minutes."""
    log = TableHitLog(session, ChatHit)
    limiter = SlidingWindowLimiter(log, limit, window=WINDOW, keep=5 * WINDOW, clock=clock)
    blocked = limiter.take(f"chat:{address or 'unknown'}")
    if blocked is not None:
        raise TooManyRequests(
            "too many chat messages from this address; wait a moment", blocked.retry_after
        )


def _row(session: Session, body: ChatIn, address: str | None, clock: Clock) -> ChatSession:
    found = session.get(ChatSession, body.session_id) if body.session_id else None
    if found is None:
        now = clock.now()
        found = ChatSession(
            id=str(uuid.uuid4()),
            msisdn=None,
            client_address=address,
            transcript=[],
            state={},
            handed_over=False,
            created_at=now,
            updated_at=now,
        )
        session.add(found)
        Work.of(session).publish(ChatStarted(at=now, session_id=found.id))
    return found


def _understand(
    index: KnowledgeIndex,
    message: str,
    conversation: Conversation,
    today: date,
    limits_now: bot.Limits,
) -> tuple[bot.Evidence, Result]:
    """Search the message; a short follow-up is also read with the previous question."""
    result = index.search(message, today=today, limit=5)
    found = evidence(result)
    previous = conversation.last_question
    if previous and len(message.strip()) <= SHORT_FOLLOW_UP:
        joined = index.search(f"{previous} {message}", today=today, limit=5)
        joined_evidence = evidence(joined)
        # A short message right after a question is read in its context ("收费吗" after
        # "彩铃怎么开通"), unless the context makes no sense of it.
        sure = bot.confidence(joined_evidence)
        if sure >= limits_now.answer_at or sure > bot.confidence(found):
            return joined_evidence, joined
    return found, result


def converse(
    database: Database,
    session: Session,
    body: ChatIn,
    *,
    settings: Settings,
    address: str | None,
    clock: Clock = system_clock,
) -> ChatOut:
    """One customer message in, one reply out (the conversation is kept). Once the bot has
    handed over, the message goes to the agents (`ChatTurnSaid`) and the reply says so."""
    check_rate(session, address, settings.chat_rate_per_min, clock)
    row = _row(session, body, address, clock)
    conversation = load(row)
    conversation.msisdn = body.msisdn or conversation.msisdn
    work = Work.of(session)
    contained = not conversation.handed_over
    to_people = conversation.with_people and not isinstance(conversation.pending, AwaitingNumber)
    conversation.say("customer", body.message)
    _tell(work, conversation, "customer", body.message, clock)
    if to_people:
        out = _out(conversation, replies.with_agent(), None, 1.0, "agent")
    else:
        today = clock.local_date(settings.tz)
        index = index_for(database, session)
        out = _reply(session, index, conversation, body.message, settings, today, clock)
        conversation.say("bot", out.reply)
        _tell(work, conversation, "bot", out.reply, clock)
        if out.handoff:
            conversation.with_people = True
            work.publish(
                ChatHandedOver(
                    at=clock.now(),
                    session_id=conversation.id,
                    msisdn=conversation.msisdn,
                    ticket_id=conversation.ticket_id,
                    reason=_reason(conversation),
                )
            )
    if contained and conversation.handed_over and conversation.ticket_id is not None:
        work.publish(
            ChatTicketOpened(
                at=clock.now(),
                session_id=conversation.id,
                ticket_id=conversation.ticket_id,
                started_at=row.created_at,
            )
        )
    save(conversation, row)
    row.updated_at = clock.now()
    session.flush()
    if out.kind == "answer" and conversation.msisdn:
        Work.of(session).publish(
            BotAnswered(
                at=clock.now(), session_id=conversation.id, msisdn=conversation.msisdn,
                article_external_id=out.article_external_id,
            )
        )  # fmt: skip
    return out


def _tell(work: Work, conversation: Conversation, role: str, text: str, clock: Clock) -> None:
    work.publish(
        ChatTurnSaid(
            at=clock.now(),
            session_id=conversation.id,
            role=role,
            text=text,
            msisdn=conversation.msisdn,
        )
    )


def _reason(conversation: Conversation) -> str:
    waiting = conversation.pending
    return waiting.reason if isinstance(waiting, AwaitingNumber) else "handed over"


def person_joined(session: Session, session_id: str) -> bool:
    """An agent took the conversation: the bot stops asking for the number, every message goes
    to the agent from now on. False when there is no such conversation."""
    row = session.get(ChatSession, session_id)
    if row is None:
        return False
    conversation = load(row)
    conversation.with_people = True
    if isinstance(conversation.pending, AwaitingNumber):
        conversation.pending = None
    save(conversation, row)
    return True


def _reply(
    session: Session,
    index: KnowledgeIndex,
    conversation: Conversation,
    message: str,
    settings: Settings,
    today: date,
    clock: Clock,
) -> ChatOut:
    waiting = conversation.pending
    found = MSISDN_IN_TEXT.search(message)
    if found and (not conversation.msisdn or isinstance(waiting, AwaitingNumber)):
        conversation.msisdn = found.group(0)
    if conversation.handed_over or isinstance(waiting, AwaitingNumber):
        waiting = waiting if isinstance(waiting, AwaitingNumber) else AwaitingNumber()
        decision = bot.Decision("handoff", reason=waiting.reason, ticket_type=waiting.ticket_type)
        return _hand_over(session, conversation, settings, clock, decision)
    mine = account.respond(session, conversation.account, conversation.msisdn, message, clock.now())
    if mine is not None:  # a question about the customer's own line, for a verified number
        conversation.msisdn = mine[1] or conversation.msisdn
        return _out(conversation, mine[0], None, 1.0, "account")
    if isinstance(waiting, InScript):
        stepped = _script_step(index, conversation, waiting, message)
        if stepped is not None:
            return stepped
    limits_now = levels.limits_for(session, index, today)
    evidence, _result = _understand(index, message, conversation, today, limits_now)
    foreign = foreign_modifiers(message, vocabulary_of(index))
    inside = scope.in_scope(message, evidence, limits_now.level, bot.calibration())
    decision = bot.decide(message, evidence, conversation.pending, limits_now, foreign, inside)
    conversation.pending = None
    if decision.kind == "handoff":
        best = evidence.candidates[0].external_id if evidence.candidates else None
        conversation.handoff_article = best
        return _hand_over(session, conversation, settings, clock, decision)
    if decision.kind == "clarify":
        labels = [index.by_external_id[o].question for o in decision.options]
        conversation.pending = Clarifying(list(decision.options), labels)
        return _out(
            conversation, replies.clarify(labels), None, decision.confidence, "clarify", labels
        )
    doc = index.by_external_id.get(decision.article or "")
    if doc is None:  # retired between search and reply
        return _hand_over(session, conversation, settings, clock, decision)
    conversation.last_question = message if decision.reason != "clarified" else doc.question
    conversation.last_article = doc.external_id
    count_usage(session, [doc.article_id], "shown", BOT_ACTOR.username, clock.now())
    return _answer(conversation, doc, decision.confidence)


def _answer(conversation: Conversation, doc: IndexDoc, sure: float) -> ChatOut:
    text = replies.answer(doc.question, doc.answer)
    options: list[str] = []
    if doc.script:
        first = scripts.step(doc.script)
        if first is not None and first["kind"] in scripts.BRANCHING:
            conversation.pending = InScript(doc.external_id, first["id"])
            options = [o["label"] for o in first["options"]]
            text += "\n\n" + replies.script_question(first["text"], options)
    return _out(conversation, text, doc.external_id, sure, "answer", options)


def _script_step(
    index: KnowledgeIndex, conversation: Conversation, walking: InScript, message: str
) -> ChatOut | None:
    doc = index.by_external_id.get(walking.article)
    if doc is None or not doc.script:
        return None
    following = scripts.choose(doc.script, walking.step, message)
    if following is None:
        return None  # not an answer to the step: treat it as a new question
    if following["kind"] in scripts.BRANCHING:
        conversation.pending = InScript(doc.external_id, following["id"])
        options = [o["label"] for o in following["options"]]
        text = replies.script_question(following["text"], options)
        return _out(conversation, text, doc.external_id, 1.0, "script_step", options)
    conversation.pending = None
    if following["kind"] == "resolve":
        text = replies.resolution(following["text"])
        return _out(conversation, text, doc.external_id, 1.0, "script_step")
    target = index.by_external_id.get(following["article"])
    if target is None:
        return _out(conversation, replies.resolution(""), doc.external_id, 1.0, "script_step")
    return _answer(conversation, target, 1.0)


def _customer(session: Session, msisdn: str | None) -> Customer | None:
    if not msisdn:
        return None
    return session.scalar(select(Customer).where(Customer.msisdn == msisdn))


def _hand_over(
    session: Session,
    conversation: Conversation,
    settings: Settings,
    clock: Clock,
    decision: bot.Decision,
) -> ChatOut:
    """Open a ticket carrying the conversation, or say what is missing to open one."""
    sure = decision.confidence
    if conversation.ticket_id is not None:
        return _out(conversation, replies.already_handed_over(), None, sure, "handoff")
    customer = _customer(session, conversation.msisdn)
    if customer is None:
        conversation.pending = AwaitingNumber(decision.reason, decision.ticket_type)
        conversation.handed_over = False
        return _out(conversation, replies.need_number(conversation.msisdn), None, sure, "handoff")
    from closeloop.tickets.schemas import TicketIn
    from closeloop.tickets.service import create_ticket

    hint = _article_category(session, conversation.handoff_article)
    fallback = (
        "service/hall/attitude"
        if "staff" in decision.reason
        else "service/complaint/result_unsatisfied"
    )
    category = leaf_category(session, hint, fallback)
    first = next((t.text for t in conversation.turns if t.role == "customer"), "在线咨询")
    body = TicketIn(
        msisdn=customer.msisdn,
        channel="online",
        type=decision.ticket_type,
        category=category,
        severity="high" if decision.ticket_type == "complaint" else "normal",
        title=f"在线自助转人工：{first[:60]}",
        description=replies.ticket_description(
            customer.msisdn, decision.reason, conversation.turns
        ),
    )
    try:
        ticket, _duplicate = create_ticket(session, BOT_ACTOR, body, tz=settings.tz, clock=clock)
    except CloseLoopError as exc:
        return _out(conversation, replies.handoff_failed(exc.detail), None, sure, "handoff")
    conversation.handed_over = True
    conversation.ticket_id = ticket.id
    conversation.pending = None
    return _out(conversation, replies.handed_over(ticket.number), None, sure, "handoff")


def _article_category(session: Session, external_id: str | None) -> str | None:
    if not external_id:
        return None
    return session.scalar(select(Article.category).where(Article.external_id == external_id))


def _out(
    conversation: Conversation,
    reply: str,
    article: str | None,
    sure: float,
    kind: str,
    options: list[str] | None = None,
) -> ChatOut:
    return ChatOut(
        session_id=conversation.id,
        reply=reply,
        article_external_id=article,
        confidence=round(sure, 3),
        handoff=kind in ("handoff", "agent"),
        ticket_id=str(conversation.ticket_id) if conversation.ticket_id is not None else None,
        kind=kind,
        options=options or [],
    )


def rate_answer(session: Session, session_id: str, helpful: bool, clock: Clock) -> None:
    """A bot user says whether the last answer helped (counted on that article)."""
    row = session.get(ChatSession, session_id)
    external_id = load(row).last_article if row else None
    article_id = (
        session.scalar(select(Article.id).where(Article.external_id == external_id))
        if external_id
        else None
    )
    if article_id is None:
        raise InvalidInput.field(["body", "session_id"], "no answer to rate in this conversation")
    kind = "helpful_bot" if helpful else "not_helpful_bot"
    count_usage(session, [article_id], kind, "assist-bot", clock.now())
