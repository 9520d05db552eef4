"""cli._emit: every piece written once, in order; small pieces in batches that end with the
piece reaching _BATCH characters; a piece longer than _SLICE alone, in slices."""

from __future__ import annotations

import random

import pytest

from fnguard import cli


class _Recorder:
    def __init__(self) -> None:
        self.writes: list[str] = []

    def write(self, text: str) -> int:
        self.writes.append(text)
        return len(text)

    def writelines(self, lines: object) -> None:
        for line in lines:  # type: ignore[attr-defined]
            self.writes.append(line)


def _emitted(
    pieces: list[str], monkeypatch: pytest.MonkeyPatch, slice_at: int, batch_at: int
) -> list[str]:
    monkeypatch.setattr(cli, "_SLICE", slice_at)
    monkeypatch.setattr(cli, "_BATCH", batch_at)
    out = _Recorder()
    cli._emit(pieces, out)  # type: ignore[arg-type]
    return out.writes


def test_nothing_to_write(monkeypatch: pytest.MonkeyPatch) -> None:
    assert _emitted([], monkeypatch, 10, 5) == []


def test_batches_end_with_the_piece_reaching_the_batch_size(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    pieces = ["ab", "cd", "e", "fgh", "", "ij", "k"]
    assert _emitted(pieces, monkeypatch, 100, 4) == ["abcd", "efgh", "ijk"]


def test_a_long_piece_goes_alone_in_slices(monkeypatch: pytest.MonkeyPatch) -> None:
    pieces = ["a", "b", "0123456789ABC", "c", "…d"]
    assert _emitted(pieces, monkeypatch, 5, 4) == ["ab", "01234", "56789", "ABC", "c…d"]


@pytest.mark.parametrize("seed", range(20))
def test_random_pieces_are_written_whole_and_bounded(
    monkeypatch: pytest.MonkeyPatch, seed: int
) -> None:
    rng = random.Random(seed)
    pieces = ["x…" * rng.choice((0, 1, 2, 7, 40, 300)) for _ in range(rng.randint(1, 300))]
    slice_at, batch_at = rng.choice(((64, 16), (16, 64), (100, 100), (1 << 20, 1 << 16)))
    writes = _emitted(pieces, monkeypatch, slice_at, batch_at)
    assert "".join(writes) == "".join(pieces)
    longest_small = max((len(p) for p in pieces if len(p) <= slice_at), default=0)
    assert all(len(w) <= max(slice_at, batch_at + longest_small) for w in writes)
