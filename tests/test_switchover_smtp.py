"""Sending with the end of data held back (influencers.switchover.smtp), against a real SMTP
server on loopback: until the end-of-data line is written nothing is delivered, so a worker
that dies before its hand-over marker has surely sent nothing."""

import smtplib

import pytest
from django.core.mail import EmailMessage, get_connection

from influencers.switchover import smtp as mail
from tests.switchover_world import Sink, smtp_server


@pytest.fixture
def sink(settings):
    with smtp_server(settings, Sink(refuse={"busy@example.com"})) as sink:
        yield sink


def _open():
    backend = get_connection()
    backend.open()
    return backend


def _message(to="maker@example.com", body="Hi\n.hidden line\n..two dots\nbye"):
    return EmailMessage(subject="Day one", body=body, to=[to])


def _wait_for(sink, count):
    import time

    deadline = time.monotonic() + 5
    while len(sink.messages) < count and time.monotonic() < deadline:
        time.sleep(0.02)


def test_a_message_is_delivered_once_with_its_dots_intact_after_the_hand_over(sink):
    backend, calls = _open(), []
    mail.send(backend, _message(), hand_over=lambda: calls.append(len(sink.messages)))
    backend.close()
    assert calls == [0]  # handed over before the server had the message
    ((recipients, content),) = sink.messages
    assert recipients == ["maker@example.com"]
    assert "\n.hidden line\n..two dots\nbye" in content.replace("\r\n", "\n")


def test_dying_at_the_hand_over_delivers_nothing(sink):
    backend = _open()

    def die():
        backend.connection.sock.close()  # the process is gone: its connection drops
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        mail.send(backend, _message(), hand_over=die)
    ok = _open()
    mail.send(ok, _message(to="next@example.com"), hand_over=lambda: None)
    ok.close()
    _wait_for(sink, 1)
    assert [r for r, _c in sink.messages] == [["next@example.com"]]


def test_losing_the_connection_after_the_hand_over_is_maybe_sent(sink):
    backend = _open()
    with pytest.raises(mail.MaybeSent):
        mail.send(backend, _message(), hand_over=lambda: backend.connection.sock.shutdown(2))


def test_a_refusal_before_the_hand_over_is_a_plain_smtp_error(sink):
    backend, calls = _open(), []
    with pytest.raises(smtplib.SMTPRecipientsRefused):
        mail.send(backend, _message(to="busy@example.com"), hand_over=lambda: calls.append(1))
    assert calls == []  # never handed over: safe to retry
    mail.send(backend, _message(to="busy@example.com"), hand_over=lambda: calls.append(1))
    backend.close()
    assert calls == [1] and [r for r, _c in sink.messages] == [["busy@example.com"]]


def test_other_backends_are_marked_first(settings, mailoutbox):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    backend, calls = get_connection(), []
    mail.send(backend, _message(), hand_over=lambda: calls.append(len(mailoutbox)))
    assert calls == [0] and len(mailoutbox) == 1
