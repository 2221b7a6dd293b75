"""A counter-based random stream: the k-th number of a stream is a keyed hash of (client, purpose, k).

A national run has a million clients, each with a stream per purpose (``rng.py``). A NumPy
Generator costs ~0.9 KB and 7-28 µs to make (its seed is hashed by a SeedSequence); made for
every client and kind, streams took more memory than the clients themselves and a fifth of a
run's time. A counter-based stream (Salmon et al. 2011, "Parallel random numbers: as easy as
1, 2, 3") keeps only a counter: the k-th number is the keyed BLAKE2b hash (Python's
``hashlib``, a cryptographic hash, so the numbers pass any statistical test) of the client,
the purpose and k, under a key made of the run's seed and replication. Making a stream is
free, a number costs about as much as a NumPy scalar draw, and streams of different clients,
purposes or replications are independent by construction.

The methods are those of ``numpy.random.Generator`` that the model and the distributions use
(``scenario.distributions``), by inversion of one uniform each: a stream's k-th draw maps
monotonically to its value, which keeps common random numbers as sharp as they can be.
"""

from __future__ import annotations

import hashlib
import math
import struct
from typing import Any

import numpy as np
from scipy import special

_BLOCK_KEY = struct.Struct("<QIQ")  # client, purpose, block number
_WORD = struct.Struct("<Q")
WORDS_PER_HASH = 4  # one 32-byte hash gives four 64-bit words: four numbers
_TO_UNIT = 2.0**-53


def run_key(seed: int, replication: int) -> Any:
    """The hash that every stream of one replication continues (BLAKE2b keyed with seed and replication)."""
    return hashlib.blake2b(digest_size=_WORD.size * WORDS_PER_HASH, key=f"meedoen:{int(seed)}:{int(replication)}".encode())


class CounterStream:
    """One client's stream for one purpose; ``count`` is how many numbers it has given.

    Numbers come four to a hash (words 4k..4k+3 of the stream are hash k); the current block
    is kept until its four are used.
    """

    __slots__ = ("_run", "_client", "_purpose", "count", "_block")

    def __init__(self, run: Any, client: int, purpose: int) -> None:
        self._run = run
        self._client = client
        self._purpose = purpose
        self.count = 0
        self._block = b""  # the current hash (32 bytes: less memory than four Python ints)

    def _unit(self) -> float:
        """The next number, uniform on (0, 1): never 0 or 1, so every inversion below is finite."""
        word = self.count & 3
        if word == 0:
            hashed = self._run.copy()
            hashed.update(_BLOCK_KEY.pack(self._client, self._purpose, self.count >> 2))
            self._block = hashed.digest()
        self.count += 1
        return ((_WORD.unpack_from(self._block, 8 * word)[0] >> 11) + 0.5) * _TO_UNIT

    def _units(self, size: int | tuple[int, ...]) -> np.ndarray:
        shape = (size,) if isinstance(size, int) else size
        return np.array([self._unit() for _ in range(math.prod(shape))]).reshape(shape)

    def random(self, size: int | tuple[int, ...] | None = None) -> Any:
        return self._unit() if size is None else self._units(size)

    def uniform(self, low: float = 0.0, high: float = 1.0, size: int | None = None) -> Any:
        return low + (high - low) * self.random(size)

    def integers(self, low: int, high: int | None = None, size: int | None = None) -> Any:
        """An integer in [low, high), or [0, low) with one argument (as NumPy's)."""
        low, high = (0, low) if high is None else (low, high)
        if size is None:
            return low + min(int((high - low) * self._unit()), high - low - 1)
        return low + np.minimum(((high - low) * self._units(size)).astype(np.int64), high - low - 1)

    def exponential(self, scale: float = 1.0, size: int | None = None) -> Any:
        if size is None:
            return -scale * math.log1p(-self._unit())
        return -scale * np.log1p(-self._units(size))

    def normal(self, loc: float = 0.0, scale: float = 1.0, size: int | None = None) -> Any:
        if size is None:
            return loc + scale * float(special.ndtri(self._unit()))
        return loc + scale * special.ndtri(self._units(size))

    def lognormal(self, mean: float = 0.0, sigma: float = 1.0, size: int | None = None) -> Any:
        return np.exp(self.normal(mean, sigma, size)) if size is not None else math.exp(self.normal(mean, sigma))

    def gamma(self, shape: float, scale: float = 1.0, size: int | None = None) -> Any:
        units = self._unit() if size is None else self._units(size)
        values = scale * special.gammaincinv(shape, units)
        return float(values) if size is None else values

    def beta(self, a: float, b: float, size: int | None = None) -> Any:
        units = self._unit() if size is None else self._units(size)
        values = special.betaincinv(a, b, units)
        return float(values) if size is None else values

    def weibull(self, a: float, size: int | None = None) -> Any:
        if size is None:
            return (-math.log1p(-self._unit())) ** (1.0 / a)
        return (-np.log1p(-self._units(size))) ** (1.0 / a)

    def triangular(self, left: float, mode: float, right: float, size: int | None = None) -> Any:
        units = self._unit() if size is None else self._units(size)
        cut = (mode - left) / (right - left)
        low = left + np.sqrt(units * (right - left) * (mode - left))
        high = right - np.sqrt((1.0 - units) * (right - left) * (right - mode))
        values = np.where(units < cut, low, high)
        return float(values) if size is None else values
