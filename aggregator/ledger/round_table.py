"""A round's in-force values as one long table (unit, submission_id, indicator, number, text),
decoded from the submissions' JSON cells — and kept, so that a run decodes only what changed.

The table is kept in memory for the rest of the run and in the ledger (`round_tables`, one row per
round, written by the runs that hold the workspace) for the next one. It is keyed by what it holds:
the ids of the submissions in force, each with its unit. A submission's cells never change once
recorded, so rows of a submission still in force are reused as they are; those of one no longer in
force are dropped, and only newly in-force submissions are decoded. A late file on a consolidated
round costs its own cells, not the round's. The stored form is numpy arrays (no pickle).
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

COLUMNS = ("unit", "submission_id", "indicator", "number", "text")


@dataclass(frozen=True)
class Table:
    """The long table and, per submission in it (in its order), its (id, unit) and row count."""

    frame: pd.DataFrame
    key: list[tuple[int, str]]
    counts: np.ndarray


def decode(stored: list[tuple[int, str, str]]) -> Table:
    """(id, unit, cells JSON) rows → the long table, one row per cell, in the rows' order."""
    units, ids, codes, numbers, texts, key, counts = [], [], [], [], [], [], []
    for sid, unit, cells in stored:  # one JSON document per file, not a row per value
        decoded = json.loads(cells)
        if decoded:
            number, text, _sheet, _cell = zip(*decoded.values())
            units += [unit] * len(decoded)
            ids += [sid] * len(decoded)
            codes += decoded.keys()
            numbers += number
            texts += text
        key.append((sid, unit))  # a submission without cells too: it is in force all the same
        counts.append(len(decoded))
    return Table(_frame(units, ids, codes, numbers, texts), key, np.array(counts, dtype=np.int64))


def _frame(units, ids, codes, numbers, texts) -> pd.DataFrame:
    return pd.DataFrame({  # as the ledger always built it (pandas infers the codes' dtype)
        "unit": units, "submission_id": pd.Series(ids, dtype="int64"),
        "indicator": codes, "number": pd.Series(numbers, dtype=float),
        "text": pd.Series(texts, dtype=object)})


_CODES_DTYPE = pd.Series(["code"]).dtype
EMPTY = Table(_frame([], [], [], [], []), [], np.array([], dtype=np.int64))


def update(kept: Table | None, in_force: list[tuple[int, str]],
           cells_of: Callable[[list[int]], list[tuple[int, str, str]]]) -> tuple[Table, int]:
    """The table for the submissions `in_force` ((id, unit), in the round's order), reusing the
    rows of `kept` and decoding the others through `cells_of(ids) → [(id, unit, cells)]`.
    Returns (table, how many submissions were decoded or dropped)."""
    if kept is not None and kept.key == in_force:
        return kept, 0
    wanted = set(in_force)
    old = kept or EMPTY
    keep = np.array([pair in wanted for pair in old.key], dtype=bool)
    held = {pair for pair, k in zip(old.key, keep) if k}
    missing = [sid for sid, unit in in_force if (sid, unit) not in held]
    new = decode(cells_of(missing)) if missing else EMPTY
    key = [pair for pair, k in zip(old.key, keep) if k] + new.key
    counts = np.concatenate([old.counts[keep], new.counts])
    frames = [f for f in (old.frame[np.repeat(keep, old.counts)], new.frame) if len(f)]
    frame = (pd.concat(frames, ignore_index=True) if len(frames) > 1 else
             frames[0].reset_index(drop=True) if frames else EMPTY.frame)
    # the round's order (unit, instance, id), each submission's cells in their stored order
    position = {pair: n for n, pair in enumerate(in_force)}
    rank = np.array([position[pair] for pair in key], dtype=np.int64)
    by_sub = np.argsort(rank, kind="stable")
    if not np.array_equal(by_sub, np.arange(len(by_sub))):
        frame = frame.iloc[np.argsort(np.repeat(rank, counts), kind="stable")]
        frame = frame.reset_index(drop=True)
        key, counts = [key[i] for i in by_sub], counts[by_sub]
    return Table(frame, key, counts), len(missing) + int((~keep).sum())


def _strings(values: list[str]) -> tuple[np.ndarray, np.ndarray]:
    encoded = [v.encode("utf-8") for v in values]
    lengths = np.array([len(b) for b in encoded], dtype=np.int64)
    return np.frombuffer(b"".join(encoded), dtype=np.uint8), lengths


def _unstrings(data: np.ndarray, lengths: np.ndarray) -> list[str]:
    raw = data.tobytes()
    ends = np.cumsum(lengths).tolist()
    starts = [0, *ends[:-1]]
    return [raw[s:e].decode("utf-8") for s, e in zip(starts, ends)]


def to_bytes(table: Table) -> bytes:
    """The table as numpy arrays in one .npz (loaded without pickle)."""
    frame = table.frame
    indicator_codes, indicators = pd.factorize(frame["indicator"])
    text = frame["text"]
    has_text = text.notna().to_numpy()
    text_data, text_lengths = _strings(text[has_text].tolist())
    unit_data, unit_lengths = _strings([unit for _sid, unit in table.key])
    ind_data, ind_lengths = _strings(list(indicators))
    out = io.BytesIO()
    np.savez(out, ids=np.array([sid for sid, _unit in table.key], dtype=np.int64),
             counts=table.counts, unit_data=unit_data, unit_lengths=unit_lengths,
             ind_codes=indicator_codes.astype(np.int32), ind_data=ind_data,
             ind_lengths=ind_lengths, number=frame["number"].to_numpy(dtype=float),
             has_text=has_text, text_data=text_data, text_lengths=text_lengths)
    return out.getvalue()


def from_bytes(blob: bytes) -> Table:
    with np.load(io.BytesIO(blob), allow_pickle=False) as z:
        counts, ids = z["counts"], z["ids"]
        units = _unstrings(z["unit_data"], z["unit_lengths"])
        indicators = np.array(_unstrings(z["ind_data"], z["ind_lengths"]), dtype=object)
        text = np.full(len(z["number"]), None, dtype=object)
        text[z["has_text"]] = _unstrings(z["text_data"], z["text_lengths"])
        codes = _CODES_DTYPE  # what pandas makes of a list of codes, without listing them
        frame = _frame(pd.Series(np.repeat(np.array(units, dtype=object), counts), dtype=codes),
                       np.repeat(ids, counts),
                       pd.Series(indicators[z["ind_codes"]], dtype=codes), z["number"], text)
        return Table(frame, list(zip(ids.tolist(), units)), counts.astype(np.int64))
