"""Messages about records, collected so that one run reports every problem.

Each message prints as ``[SEVERITY] file:line subject: message``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum


class Severity(str, Enum):
    ERROR = "ERROR"
    WARNING = "WARNING"
    INFO = "INFO"


@dataclass(frozen=True, order=True)
class Message:
    file: str
    line: int
    severity: Severity
    subject: str
    text: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        subject = f" {self.subject}:" if self.subject else ""
        return f"[{self.severity.value}] {where}{subject} {self.text}"


@dataclass
class Report:
    messages: list[Message] = field(default_factory=list)

    def __post_init__(self) -> None:
        # the messages seen, so that a load with tens of thousands of errors does not
        # compare each new one with every earlier one
        self._seen: set[Message] = set(self.messages)

    def add(self, severity: Severity, file: str, line: int, subject: str, text: str) -> None:
        self._append(Message(file, line or 0, severity, subject, text))

    def _append(self, message: Message) -> None:
        if message not in self._seen:
            self._seen.add(message)
            self.messages.append(message)

    def error(self, file: str, line: int, subject: str, text: str) -> None:
        self.add(Severity.ERROR, file, line, subject, text)

    def warning(self, file: str, line: int, subject: str, text: str) -> None:
        self.add(Severity.WARNING, file, line, subject, text)

    def info(self, file: str, line: int, subject: str, text: str) -> None:
        self.add(Severity.INFO, file, line, subject, text)

    def extend(self, other: "Report") -> None:
        for message in other.messages:
            self._append(message)

    @property
    def errors(self) -> list[Message]:
        return [m for m in self.messages if m.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Message]:
        return [m for m in self.messages if m.severity is Severity.WARNING]

    @property
    def ok(self) -> bool:
        return not self.errors

    def sorted(self) -> list[Message]:
        return sorted(self.messages)

    def __str__(self) -> str:
        return "\n".join(str(m) for m in self.sorted())
