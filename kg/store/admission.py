"""Admission to the query workers: two lanes, a bounded queue, and a share per client.

What a query costs is not known before it runs, so every query is admitted to the **fast
lane** first and may use any idle worker for a short budget. A query still running at the end
of its budget asks for a place in the **slow lane** (:meth:`Admission.promote`): there are
fewer slow places than workers, so slow queries can never hold every worker, and one client
(a remote address) may hold only its share of them. A query refused a slow place is stopped,
and its text is remembered: sent again, it waits for a slow place before it runs instead of
taking a fast worker first.

Waiting is bounded twice: at most ``capacity`` queries are held at once (running or waiting;
the server keeps request threads beyond that for /health and pages), and a query waits only
until its deadline, which was set when it arrived, so time in the queue counts against its
timeout. Whoever cannot be admitted is told at once (:class:`EngineBusy`, with a
``retry_after``).

This module keeps the books only; :mod:`kg.store.pool` runs the workers.
"""

from __future__ import annotations

import math
import threading
import time
from collections import OrderedDict
from collections.abc import Hashable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from kg.store.errors import StoreError

W = TypeVar("W")
FAST, SLOW = "fast", "slow"
#: How long a query text is remembered as slow, and how many texts are.
SLOW_MEMORY_SECONDS = 600.0
SLOW_MEMORY_SIZE = 4096


class EngineBusy(StoreError):
    """The query was not admitted: the queue, the slow lane or the client's share is full."""

    def __init__(self, message: str, retry_after: int = 1) -> None:
        super().__init__(message)
        self.retry_after = retry_after


@dataclass(eq=False)
class Ticket(Generic[W]):
    """One query's place: its client, lane and deadline, and the worker once it has one."""

    client: str
    lane: str
    deadline: float
    arrived: float = field(default_factory=time.monotonic)
    worker: W | None = None


@dataclass(frozen=True)
class Limits:
    """How many queries are held, how many slow ones run, and each client's slow share."""

    capacity: int
    slow_slots: int
    per_client: int


class Admission(Generic[W]):
    """The books of the workers: who runs, who waits, in which lane, for which client."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self._cond = threading.Condition()
        self._idle: list[W] = []
        self._waiting: list[Ticket[W]] = []
        self._running: set[Ticket[W]] = set()
        self._slow_texts: OrderedDict[Hashable, float] = OrderedDict()
        self.counts = {"refused": 0, "expired": 0, "promoted": 0, "stopped": 0}

    # -- workers come and go

    def add(self, worker: W) -> None:
        """A worker is idle: hand it to whoever waits."""
        with self._cond:
            self._idle.append(worker)
            self._grant()

    def take_idle(self) -> list[W]:
        """Remove and return every idle worker (the engine is closing)."""
        with self._cond:
            idle, self._idle = self._idle, []
            return idle

    # -- queries come and go

    def lane_for(self, key: Hashable) -> str:
        """The lane a query starts in: slow if its text ran slow lately."""
        with self._cond:
            expires = self._slow_texts.get(key)
            if expires is None:
                return FAST
            if expires < time.monotonic():
                del self._slow_texts[key]
                return FAST
            return SLOW

    def remember(self, key: Hashable, *, slow: bool) -> None:
        """Remember a text as slow (it outran the budget) or forget it (it did not)."""
        with self._cond:
            if not slow:
                self._slow_texts.pop(key, None)
                return
            self._slow_texts[key] = time.monotonic() + SLOW_MEMORY_SECONDS
            self._slow_texts.move_to_end(key)
            while len(self._slow_texts) > SLOW_MEMORY_SIZE:
                self._slow_texts.popitem(last=False)

    def acquire(self, client: str, lane: str, deadline: float) -> Ticket[W]:
        """Wait for a worker in ``lane`` until ``deadline``; EngineBusy if refused or too late."""
        with self._cond:
            self._refuse_if_full(client, lane)
            ticket: Ticket[W] = Ticket(client, lane, deadline)
            self._waiting.append(ticket)
            self._grant()
            while ticket.worker is None:
                left = deadline - time.monotonic()
                if left <= 0:
                    self._waiting.remove(ticket)
                    self.counts["expired"] += 1
                    waited = time.monotonic() - ticket.arrived
                    raise EngineBusy(
                        f"the query waited {waited:.1f} s for a worker, its whole time, and "
                        f"did not run ({self._describe()}); try again later",
                        retry_after=self._retry_after(lane))
                self._cond.wait(left)
            return ticket

    def hold(self, client: str) -> Ticket[W]:
        """A place in the slow lane for work done outside the workers (a whole-store export),
        held until :meth:`release` (with no worker); EngineBusy at once if there is none.

        It counts as a running slow query: exports and slow queries share the slow places,
        so together they never hold every worker's share of the time, and a client holds its
        share of them only. Where there is no slow lane (no workers to keep free), the queue's
        bounds alone apply.
        """
        with self._cond:
            lane = SLOW if self.limits.slow_slots else FAST
            self._refuse_if_full(client, FAST)  # the queue's bounds, and the client's half
            reason = None
            if lane == SLOW and self._slow_running() >= self.limits.slow_slots:
                reason = (f"all {self.limits.slow_slots} places for slow work (slow queries, "
                          f"exports) are taken ({self._describe()})")
            elif lane == SLOW and self._client_slow(client) >= self.limits.per_client:
                reason = (f"this client already has {self._client_slow(client)} slow queries "
                          "or exports running or waiting, its share of the slow lane")
            if reason is not None:
                self.counts["refused"] += 1
                raise EngineBusy(f"{reason}; try again later", retry_after=self._retry_after(SLOW))
            ticket: Ticket[W] = Ticket(client, lane, deadline=math.inf)
            self._running.add(ticket)
            return ticket

    def promote(self, ticket: Ticket[W]) -> str | None:
        """Move a running fast query to the slow lane; None if done, else why it may not."""
        with self._cond:
            slow_running = self._slow_running()
            if slow_running >= self.limits.slow_slots:
                reason = (f"all {self.limits.slow_slots} places for slow queries are taken")
            elif self._client_slow(ticket.client) >= self.limits.per_client:
                reason = (f"this client already has {self.limits.per_client} slow "
                          f"quer{'y' if self.limits.per_client == 1 else 'ies'} running or "
                          "waiting, its share of the slow lane")
            else:
                ticket.lane = SLOW
                self.counts["promoted"] += 1
                return None
            self.counts["stopped"] += 1
            return reason

    def release(self, ticket: Ticket[W], worker: W | None) -> None:
        """The query is over; its worker (None: gone, a new one comes by :meth:`add`) is idle.

        Releasing a ticket again without a worker does nothing.
        """
        with self._cond:
            self._running.discard(ticket)
            if worker is not None:
                self._idle.append(worker)
            self._grant()

    # -- what /health shows

    def status(self) -> dict[str, object]:
        """The lanes now: running and waiting in each, the limits, and what was refused."""
        with self._cond:
            running = [t.lane for t in self._running]
            waiting = [t.lane for t in self._waiting]
            return {
                "idle_workers": len(self._idle),
                "queries_running": {FAST: running.count(FAST), SLOW: running.count(SLOW)},
                "queries_waiting": {FAST: waiting.count(FAST), SLOW: waiting.count(SLOW)},
                "slow_slots": self.limits.slow_slots,
                "slow_per_client": self.limits.per_client,
                "query_capacity": self.limits.capacity,
                "queries_refused": self.counts["refused"],
                "queries_expired_waiting": self.counts["expired"],
                "queries_promoted_slow": self.counts["promoted"],
                "queries_stopped_slow_lane_full": self.counts["stopped"],
            }

    # -- inside the lock

    def _slow_running(self) -> int:
        return sum(1 for t in self._running if t.lane == SLOW)

    def _client_slow(self, client: str) -> int:
        return sum(1 for t in (*self._running, *self._waiting)
                   if t.lane == SLOW and t.client == client)

    def _client_held(self, client: str) -> int:
        return sum(1 for t in (*self._running, *self._waiting) if t.client == client)

    def _describe(self) -> str:
        return (f"{len(self._running)} running, {len(self._waiting)} waiting, "
                f"{self._slow_running()} of {self.limits.slow_slots} slow places taken")

    def _retry_after(self, lane: str) -> int:
        # A slow place frees when a slow query ends: seconds; a fast worker much sooner.
        return 5 if lane == SLOW else 1

    def _refuse_if_full(self, client: str, lane: str) -> None:
        held = len(self._running) + len(self._waiting)
        reason = None
        if held >= self.limits.capacity:
            reason = (f"the server holds {held} queries already, as many as it takes "
                      f"({self._describe()})")
        elif self._client_held(client) >= max(1, self.limits.capacity // 2):
            reason = (f"this client has {self._client_held(client)} queries running or "
                      "waiting, half of what the server takes")
        elif lane == SLOW and self._client_slow(client) >= self.limits.per_client:
            reason = (f"this query ran slow before and goes to the slow lane, where this "
                      f"client already has {self.limits.per_client} running or waiting, its "
                      "share")
        if reason is not None:
            self.counts["refused"] += 1
            raise EngineBusy(f"{reason}; try again later", retry_after=self._retry_after(lane))

    def _grant(self) -> None:
        """Give idle workers to waiting queries: slow ones first while slow places are free
        (so the slow lane is not starved by a stream of fast queries), then fast ones; within
        a lane the client running the fewest queries first, then the earliest."""
        while self._idle and self._waiting:
            slow_free = self._slow_running() < self.limits.slow_slots
            eligible = [t for t in self._waiting if t.lane == FAST or slow_free]
            if not eligible:
                return
            per_client: dict[str, int] = {}
            for running in self._running:
                per_client[running.client] = per_client.get(running.client, 0) + 1
            chosen = min(eligible, key=lambda t: (t.lane == FAST, per_client.get(t.client, 0),
                                                  t.arrived))
            self._waiting.remove(chosen)
            chosen.worker = self._idle.pop()
            self._running.add(chosen)
            self._cond.notify_all()
