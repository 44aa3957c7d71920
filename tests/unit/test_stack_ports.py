"""The local stack starts again on other ports when one is taken between choosing and
binding it (parallel runs on one machine: 55 tests errored when one stack took
another's port)."""

from __future__ import annotations

from pathlib import Path

import pytest

from devstack.emulators import PortInUse
from devstack.stack import Stack


def test_a_taken_port_means_new_ports_not_a_failed_session(monkeypatch, tmp_path: Path) -> None:
    tried = []

    def start(self: Stack) -> Stack:
        tried.append(self.ports)
        if len(tried) == 1:
            raise PortInUse("fn-analyze: port 44507 is already in use")
        return self

    monkeypatch.setattr(Stack, "start", start)
    stack = Stack(workdir=tmp_path).start_on_free_ports()
    assert len(tried) == 2 and tried[0] != tried[1]
    assert stack.ports == tried[1]


def test_it_gives_up_after_its_attempts(monkeypatch, tmp_path: Path) -> None:
    def start(self: Stack) -> Stack:
        raise PortInUse("taken")

    monkeypatch.setattr(Stack, "start", start)
    with pytest.raises(PortInUse):
        Stack(workdir=tmp_path).start_on_free_ports(attempts=2)
