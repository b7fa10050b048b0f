"""The records behind a figure, as sets of ids per model: compact enough for a whole district's year.

A score line counts every record behind its figure, and at a real district's scale that is hundreds of
thousands of notices or claims for one subdistrict. As a list of `(label, id)` pairs in JSON the
whole-district run held tens of millions of Python tuples and wrote them as text, so a `RecordSet`
keeps one sorted array of unique ids per model label (NumPy), and stores it as the delta-encoded,
zlib-compressed ids (`encode`, about a byte or two per id). It still iterates, compares and sorts
like the list of pairs it replaces, so a computation's tests read the same.

`digest` is the SHA-256 of the labels and their sorted ids as little-endian 64-bit integers: the same
records give the same digest whatever order they were found in, and it does not depend on zlib.

Where a line is a whole district's year of notices or claims (16M at a real district's scale), even the
ids cost seconds to fetch, encode and hash, so those computations count their records instead of listing
them: a `Tally` keeps the model label, the count and two sums over the ids (the ids themselves and a
multiplicative mix of them, `MIX` modulo `MIX_MODULUS`), which the database adds up per group and the
product adds up per subject. Any record newly counted or no longer counted changes it; the score page lists
a tally's records from the computation's own query (`listing`) and says when they no longer match.
"""

import hashlib
import struct
import zlib
from collections.abc import Iterable, Iterator

import numpy as np

FORMAT = b"R1"
TALLY_FORMAT = b"T1"
# mix(id) = id × MIX mod MIX_MODULUS (the MINSTD generator's multiplier and prime modulus): a bijection
# below the modulus, exact in 64 bits for ids below 1.9 × 10¹⁴, and 16M of them still sum within 64 bits
MIX, MIX_MODULUS = 48271, 2147483647
_EMPTY = np.zeros(0, dtype=np.int64)


def _ids(values, unique: bool = False) -> np.ndarray:
    """Sorted unique int64 ids from any iterable or array of ids (`unique`: none repeats, sort only)."""
    if isinstance(values, np.ndarray):
        array = values.astype(np.int64, copy=False)
    else:
        array = np.fromiter(values, dtype=np.int64)
    if not unique:
        return np.unique(array)
    array = np.sort(array)
    if len(array) > 1 and not (array[1:] > array[:-1]).all():
        raise ValueError("ids said to be unique repeat")
    return array


class RecordSet:
    """Ids per model label (`"bank.Notice"`), each a sorted array of unique int64."""

    __slots__ = ("_by_label",)

    def __init__(self, by_label: dict[str, np.ndarray] | None = None):
        self._by_label = {label: ids for label, ids in sorted((by_label or {}).items()) if len(ids)}

    @classmethod
    def of(cls, label: str, ids, *, unique: bool = False) -> "RecordSet":
        return cls({label: _ids(ids, unique)})

    @classmethod
    def from_pairs(cls, pairs: Iterable) -> "RecordSet":
        by_label: dict[str, list[int]] = {}
        for label, pk in pairs:
            by_label.setdefault(label, []).append(int(pk))
        return cls({label: _ids(pks) for label, pks in by_label.items()})

    @classmethod
    def coerce(cls, records) -> "RecordSet":
        return records if isinstance(records, RecordSet) else cls.from_pairs(records)

    def labels(self) -> list[str]:
        return list(self._by_label)

    def ids(self, label: str) -> np.ndarray:
        return self._by_label.get(label, _EMPTY)

    def __len__(self) -> int:
        return sum(len(ids) for ids in self._by_label.values())

    def __bool__(self) -> bool:
        return bool(self._by_label)

    def __iter__(self) -> Iterator[tuple[str, int]]:
        for label, ids in self._by_label.items():
            for pk in ids.tolist():
                yield label, pk

    def __add__(self, other) -> "RecordSet":
        other = RecordSet.coerce(other)
        merged = dict(self._by_label)
        for label, ids in other._by_label.items():
            merged[label] = np.union1d(merged[label], ids) if label in merged else ids
        return RecordSet(merged)

    def __sub__(self, other) -> "RecordSet":
        other = RecordSet.coerce(other)
        return RecordSet(
            {
                label: np.setdiff1d(ids, other.ids(label), assume_unique=True)
                for label, ids in self._by_label.items()
            }
        )

    def __eq__(self, other) -> bool:
        if not isinstance(other, RecordSet):
            try:
                other = RecordSet.from_pairs(other)
            except (TypeError, ValueError):
                return NotImplemented
        return self._by_label.keys() == other._by_label.keys() and all(
            np.array_equal(ids, other._by_label[label]) for label, ids in self._by_label.items()
        )

    __hash__ = None

    def __repr__(self) -> str:
        return f"RecordSet({ {label: len(ids) for label, ids in self._by_label.items()} })"

    def page(self, offset: int, limit: int) -> list[tuple[str, int]]:
        """The pairs from `offset`, at most `limit`, in the order of iteration (label, then id)."""
        out: list[tuple[str, int]] = []
        for label, ids in self._by_label.items():
            if offset >= len(ids):
                offset -= len(ids)
                continue
            take = ids[offset : offset + limit - len(out)]
            out.extend((label, pk) for pk in take.tolist())
            offset = 0
            if len(out) >= limit:
                break
        return out

    def digest(self) -> str:
        h = hashlib.sha256(FORMAT)
        for label, ids in self._by_label.items():
            name = label.encode()
            h.update(struct.pack("<HQ", len(name), len(ids)))
            h.update(name)
            h.update(ids.astype("<i8", copy=False).tobytes())
        return h.hexdigest()

    def encode(self) -> bytes:
        parts = [FORMAT]
        for label, ids in self._by_label.items():
            name = label.encode()
            packed = zlib.compress(np.diff(ids, prepend=0).astype("<i8").tobytes(), 6)
            parts.append(struct.pack("<HQI", len(name), len(ids), len(packed)))
            parts.append(name)
            parts.append(packed)
        return b"".join(parts)

    @classmethod
    def decode(cls, blob: bytes | memoryview | None) -> "RecordSet":
        if not blob:
            return cls()
        blob = bytes(blob)
        if blob[:2] != FORMAT:
            raise ValueError("unknown record set format")
        at, by_label = 2, {}
        head = struct.calcsize("<HQI")
        try:
            while at < len(blob):
                name_len, count, packed_len = struct.unpack_from("<HQI", blob, at)
                at += head
                label = blob[at : at + name_len].decode()
                at += name_len
                deltas = np.frombuffer(zlib.decompress(blob[at : at + packed_len]), dtype="<i8")
                at += packed_len
                if len(deltas) != count:
                    raise ValueError("record set length mismatch")
                by_label[label] = np.cumsum(deltas, dtype=np.int64)
        except (struct.error, zlib.error, UnicodeDecodeError) as e:
            raise ValueError(f"damaged record set: {e}") from None
        return cls(by_label)


EMPTY = RecordSet()


class Tally:
    """The records behind a figure, counted and not listed: a model label, the count, Σ id and Σ mix(id).

    Tallies of disjoint groups add up to the tally of their union, so the database sums each community and
    a subject adds its communities. It compares equal to a list of `(label, id)` pairs with the same tally,
    so a computation's tests read as they do for a `RecordSet`.
    """

    __slots__ = ("label", "count", "id_sum", "mix_sum")

    def __init__(self, label: str, count: int = 0, id_sum: int = 0, mix_sum: int = 0):
        self.label, self.count, self.id_sum, self.mix_sum = label, int(count), int(id_sum), int(mix_sum)

    @classmethod
    def of_ids(cls, label: str, ids) -> "Tally":
        array = _ids(ids)
        return cls(label, len(array), int(array.sum()), int((array * MIX % MIX_MODULUS).sum()))

    @classmethod
    def of_groups(cls, label: str, counts: np.ndarray, id_sums: np.ndarray, mix_sums: np.ndarray) -> "Tally":
        return cls(label, int(counts.sum()), int(id_sums.sum()), int(mix_sums.sum()))

    def _key(self) -> tuple:
        return (self.label, self.count, self.id_sum, self.mix_sum) if self.count else ("", 0, 0, 0)

    def __len__(self) -> int:
        return self.count

    def __bool__(self) -> bool:
        return self.count > 0

    def __eq__(self, other) -> bool:
        if isinstance(other, Tally):
            return self._key() == other._key()
        if isinstance(other, RecordSet):
            other = list(other)
        try:
            pairs = list(other)
            labels = {label for label, _pk in pairs}
        except (TypeError, ValueError):
            return NotImplemented
        if len(labels) > 1:
            return False
        label = labels.pop() if labels else self.label
        return self._key() == Tally.of_ids(label, [pk for _label, pk in pairs])._key()

    __hash__ = None

    def __repr__(self) -> str:
        return f"Tally({self.label!r}, {self.count})"

    def _packed(self, name: bytes) -> bytes:
        return (
            TALLY_FORMAT
            + struct.pack("<H", len(name))
            + name
            + struct.pack("<Qqq", self.count, self.id_sum, self.mix_sum)
        )

    def digest(self) -> str:
        """The hash of the encoding, without the label when the tally is empty (as an empty RecordSet's)."""
        return hashlib.sha256(self._packed(self.label.encode() if self.count else b"")).hexdigest()

    def encode(self) -> bytes:
        return self._packed(self.label.encode())

    @classmethod
    def decode(cls, blob: bytes) -> "Tally":
        try:
            (name_len,) = struct.unpack_from("<H", blob, 2)
            label = blob[4 : 4 + name_len].decode()
            count, id_sum, mix_sum = struct.unpack_from("<Qqq", blob, 4 + name_len)
        except (struct.error, UnicodeDecodeError) as e:
            raise ValueError(f"damaged tally: {e}") from None
        if len(blob) != 4 + name_len + struct.calcsize("<Qqq"):
            raise ValueError("damaged tally: wrong length")
        return cls(label, count, id_sum, mix_sum)


def decode(blob: bytes | memoryview | None) -> "RecordSet | Tally":
    """A score line's stored records: a `RecordSet` (format R1, or empty) or a `Tally` (T1)."""
    blob = bytes(blob or b"")
    return Tally.decode(blob) if blob[:2] == TALLY_FORMAT else RecordSet.decode(blob)


def coerce(records) -> "RecordSet | Tally":
    """A computation's records as stored: a `Tally` as it is, anything else as a `RecordSet`."""
    return records if isinstance(records, Tally) else RecordSet.coerce(records)


def difference(new, old) -> tuple[int | None, int | None]:
    """How many records `new` counts that `old` did not, and the reverse; None when either is a tally."""
    if isinstance(new, Tally) or isinstance(old, Tally):
        return None, None
    return len(new - old), len(old - new)
