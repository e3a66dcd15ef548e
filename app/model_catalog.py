"""The models a user can pick: the bundled one and those brought in with
``softfocus-train import`` (kept in the platform's data folder, see app.paths)."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

import onnxruntime as ort

from softfocus.model.contract import METADATA_KEY, ModelContract

LICENCE_KEY = "licence"  # in the contract's ``extra``: the terms the weights come under


@dataclass(frozen=True)
class ModelEntry:
    path: Path
    name: str
    licence: str = ""


def imported_models(folder: Path) -> list[ModelEntry]:
    """Every contract-honouring .onnx in ``folder``, by name; unreadable files are skipped
    (the Model menu is no place for an error; choosing the file directly reports it)."""
    if not folder.is_dir():
        return []
    entries = []
    for path in sorted(folder.glob("*.onnx")):
        entry = _read_entry(path, path.stat().st_mtime_ns)
        if entry is not None:
            entries.append(entry)
    return entries


@functools.lru_cache(maxsize=64)
def _read_entry(path: Path, _mtime_ns: int) -> ModelEntry | None:
    """Reading the metadata needs an ONNX Runtime session; cached until the file changes."""
    try:
        options = ort.SessionOptions()
        options.log_severity_level = 4
        session = ort.InferenceSession(
            str(path), sess_options=options, providers=["CPUExecutionProvider"]
        )
        metadata = session.get_modelmeta().custom_metadata_map
        contract = ModelContract.from_json(metadata[METADATA_KEY])
    except Exception:  # any unreadable or foreign file: ORT raises private exception types
        return None
    return ModelEntry(path, contract.name, str(contract.extra.get(LICENCE_KEY, "")))
