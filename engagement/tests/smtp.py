"""A real SMTP server (aiosmtpd) on 127.0.0.1 for tests about email delivery. It
keeps every message it accepts, and can be told to refuse or stall for chosen
recipients so that retries can be tested."""

import asyncio
import email
import email.policy
import socket
import threading
import time
from dataclasses import dataclass, field

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class RecordingHandler:
    messages: list = field(default_factory=list)
    refuse: set = field(default_factory=set)
    stall: set = field(default_factory=set)
    stall_seconds: float = 30.0
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 5.1.1 Mailbox unavailable"
        if address in self.stall:
            await asyncio.sleep(self.stall_seconds)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.lock:
            self.messages.append(parsed)
        return "250 Message accepted for delivery"


class SmtpServer:
    def __init__(self):
        self.handler = RecordingHandler()
        self.port = free_port()
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)

    def start(self):
        self.controller.start()
        return self

    def stop(self):
        self.controller.stop()

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    @property
    def messages(self) -> list:
        with self.handler.lock:
            return list(self.handler.messages)

    def messages_to(self, address: str) -> list:
        return [message for message in self.messages if address in str(message["To"])]

    def wait_for(self, count: int, timeout: float = 30.0) -> list:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if len(self.messages) >= count:
                return self.messages
            time.sleep(0.05)
        raise AssertionError(f"Expected {count} emails, got {len(self.messages)}")

    def clear(self):
        with self.handler.lock:
            self.handler.messages.clear()


def text_of(message) -> str:
    """The plain-text part of an email."""
    part = message.get_body(preferencelist=("plain",))
    return part.get_content() if part else ""
