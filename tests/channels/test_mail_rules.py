"""The e-mail channel's pure parts: reading a raw mail, attachment checks, reply headers."""

from __future__ import annotations

import pytest

from closeloop.channels import mail_rules
from closeloop.channels.mail_read import message_ids, read_mail
from tests.channels.mail_helpers import PNG, a_mail

TYPES = ("image/*", "application/pdf")


def test_a_mail_is_read_with_its_thread_and_attachments() -> None:
    raw = a_mail("Wang@Example.CN", "报修", "家里没网了", message_id="<a@x>",
                 in_reply_to="<b@closeloop>", files=(("p.png", "image/png", PNG),))  # fmt: skip
    mail = read_mail(raw)
    assert (mail.message_id, mail.sender, mail.subject, mail.body) == (
        "<a@x>",
        "wang@example.cn",
        "报修",
        "家里没网了",
    )
    assert mail.thread == ("<b@closeloop>",) and mail.problems == ()
    assert [(a.filename, a.content) for a in mail.attachments] == [("p.png", PNG)]


def test_a_mail_without_id_or_sender_is_still_read_and_named() -> None:
    raw = a_mail(None, "无题")
    first, again = read_mail(raw), read_mail(raw)
    assert first.message_id == again.message_id and first.message_id.endswith("@no-id.closeloop>")
    assert first.problems == ("no From address",) and first.sender == ""


def test_an_html_only_mail_is_read_as_text() -> None:
    raw = (b"From: a@b.cn\r\nMessage-ID: <h@b.cn>\r\nContent-Type: text/html; charset=utf-8"
           b"\r\n\r\n<p>\xe4\xbd\xa0\xe5\xa5\xbd <b>world</b></p>")  # fmt: skip
    assert read_mail(raw).body.split() == ["你好", "world"]


@pytest.mark.parametrize(
    ("name", "content_type", "size", "refused"),
    [
        ("a.jpg", "image/jpeg", 100, None),
        ("a.pdf", "application/pdf", 1024, None),
        ("a.pdf", "application/pdf", 1025, "over the limit"),
        ("a.exe", "application/x-msdownload", 10, "not allowed"),
        ("a.html", "text/html", 10, "not allowed"),
    ],
)
def test_attachments_are_kept_by_size_and_type(
    name: str, content_type: str, size: int, refused: str | None
) -> None:
    why = mail_rules.attachment_refusal(name, content_type, size, TYPES, 1024)
    assert (why is None) if refused is None else (why is not None and refused in why)


def test_only_a_139_mailbox_names_a_number() -> None:
    assert mail_rules.msisdn_of_address("13800138000@139.com") == "13800138000"
    assert mail_rules.msisdn_of_address("13800138000@163.com") is None
    assert mail_rules.msisdn_of_address("12800138000@139.com") is None


def test_a_reply_subject_carries_one_prefix_and_the_ticket_number() -> None:
    assert mail_rules.reply_subject("Re: 回复：宽带断了 [T1]", "T1") == "Re: 宽带断了 [T1]"
    assert mail_rules.reply_subject("", "T2") == "Re: CloseLoop [T2]"


def test_references_keep_the_chain_and_end_with_the_mail_answered() -> None:
    chain = " ".join(f"<{i}@x>" for i in range(12))
    refs = mail_rules.references_for("<new@x>", chain).split()
    assert refs[-1] == "<new@x>" and len(refs) == 10 and refs[0] == "<3@x>"
    assert message_ids("<a@x> junk <b@y>") == ("<a@x>", "<b@y>")
