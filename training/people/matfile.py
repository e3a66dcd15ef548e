"""Read one numeric matrix out of a MATLAB v5 ``.mat`` file, without SciPy.

The Clothing Co-Parsing labels are ``.mat`` files holding one ``h×w`` label matrix each; a
whole SciPy install for that is more than the format needs. This reads the v5 layout
(documented by MathWorks as "MAT-File Format"): a 128-byte header, then data elements, each
an 8-byte tag (type, byte count) or a 4-byte small tag, optionally zlib-compressed, holding a
miMATRIX with flags, dimensions, a name and the real part.
"""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import numpy as np

MI_MATRIX = 14
MI_COMPRESSED = 15
NUMERIC = {  # MAT data type -> numpy dtype (little-endian)
    1: "<i1",
    2: "<u1",
    3: "<i2",
    4: "<u2",
    5: "<i4",
    6: "<u4",
    7: "<f4",
    9: "<f8",
    12: "<i8",
    13: "<u8",
}


class MatFileError(ValueError):
    """The file is not a MATLAB v5 file with a numeric matrix in it."""


def _elements(data: bytes):
    """(type, payload) of each data element in ``data``."""
    offset = 0
    while offset + 8 <= len(data):
        kind, size = struct.unpack_from("<II", data, offset)
        if kind >> 16:  # small element: size in the upper half, payload in the tag's 4 bytes
            kind, size = kind & 0xFFFF, kind >> 16
            yield kind, data[offset + 4 : offset + 4 + size]
            offset += 8
            continue
        yield kind, data[offset + 8 : offset + 8 + size]
        offset += 8 + size + (-size % 8 if kind != MI_COMPRESSED else 0)


def _matrix(payload: bytes) -> tuple[str, np.ndarray]:
    parts = list(_elements(payload))
    if len(parts) < 4:
        raise MatFileError("matrix element too short")
    _flags, (_, dims), (_, name), (kind, real) = parts[:4]
    if kind not in NUMERIC:
        raise MatFileError(f"matrix of data type {kind} is not numeric")
    shape = tuple(np.frombuffer(dims, "<i4"))
    values = np.frombuffer(real, NUMERIC[kind])
    if values.size != int(np.prod(shape)):
        raise MatFileError(f"matrix holds {values.size} values for shape {shape}")
    return name.decode("latin-1"), values.reshape(shape, order="F")  # MATLAB is column-major


def read_matrix(path: str | Path, name: str | None = None) -> np.ndarray:
    """The matrix called ``name`` (or the first numeric one) in a v5 ``.mat`` file."""
    data = Path(path).read_bytes()
    if len(data) < 128 or not data.startswith(b"MATLAB 5.0 MAT-file"):
        raise MatFileError(f"{path} is not a MATLAB v5 .mat file")
    if data[126:128] != b"IM":
        raise MatFileError(f"{path} is big-endian, which this reader does not handle")
    for kind, payload in _elements(data[128:]):
        if kind == MI_COMPRESSED:
            kind, payload = next(_elements(zlib.decompress(payload)))
        if kind != MI_MATRIX:
            continue
        try:
            found, matrix = _matrix(payload)
        except MatFileError:
            continue
        if name is None or found == name:
            return matrix
    raise MatFileError(f"{path} has no numeric matrix" + (f" named {name!r}" if name else ""))
