"""``call_later``: a function called at a later simulation time, without a SimPy ``Event``.

Most of a run's events are timers nobody waits for: a client's next exit or contact, a team's
next contact with a case, the end of a job. As ``env.timeout(delay).callbacks.append(partial(...))``
each cost a Timeout (an object with a ``__dict__``), a callbacks list and a partial: ~0.5 KB per
pending timer, with one or two pending per client, and a fifth of the time of scheduling.

``Call`` is all that ``simpy.Environment.step`` needs of an event (``callbacks`` it takes and
calls, ``_ok`` true), pushed with ``Environment.schedule`` at normal priority, exactly as a
Timeout schedules itself: the event order, and so every result, is the same as with Timeouts,
and SimPy's event counter counts it. A process cannot ``yield`` a ``Call``: processes that wait
for time still use ``env.timeout``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import simpy
from simpy.events import NORMAL


class Call:
    """A function and its arguments, scheduled on SimPy's event queue."""

    __slots__ = ("callbacks", "function", "args")
    _ok = True  # what Environment.step checks after the callbacks: a Call never fails

    def __init__(self, function: Callable[..., Any], args: tuple[Any, ...]) -> None:
        self.callbacks = _CALL  # Environment.step replaces it with None after the call
        self.function = function
        self.args = args


def _call(call: Call) -> None:
    call.function(*call.args)


_CALL = (_call,)


def call_later(env: simpy.Environment, delay: float, function: Callable[..., Any], *args: Any) -> None:
    """Call ``function(*args)`` after ``delay`` (at normal priority, in order of scheduling among equal times)."""
    env.schedule(Call(function, args), NORMAL, delay)  # type: ignore[arg-type]  # duck-typed: see the module docstring
