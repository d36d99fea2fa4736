"""dbt exposures (who reads the marts) as Dagster assets downstream of what they read.

dagster-dbt turns models, seeds and snapshots into assets and leaves exposures out; these
specs put every exposure of the manifest into the lineage graph, whichever file declares it.
An exposure depends on the assets of the nodes it names (a metric or semantic model counts as the
models it reads) and on the asset keys listed in its ``meta.dagster_upstream`` (``published/journey``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator

EXPOSURE_GROUP = "exposures"
_ASSET_RESOURCE_TYPES = ("model", "seed", "snapshot", "source")
_MANIFEST_COLLECTIONS = ("nodes", "sources", "metrics", "semantic_models", "saved_queries")


def exposure_key(name: str) -> dg.AssetKey:
    return dg.AssetKey([EXPOSURE_GROUP, name])


def _node(manifest: Mapping[str, Any], unique_id: str) -> Mapping[str, Any] | None:
    for collection in _MANIFEST_COLLECTIONS:
        node = manifest.get(collection, {}).get(unique_id)
        if node is not None:
            return node
    return None


def _upstream_keys(
    manifest: Mapping[str, Any], unique_id: str, translator: DagsterDbtTranslator, seen: set[str]
) -> set[dg.AssetKey]:
    """The asset keys a node stands for: its own when it is an asset, else those of what it reads."""
    if unique_id in seen:
        return set()
    seen.add(unique_id)
    node = _node(manifest, unique_id)
    if node is None:
        return set()
    if node["resource_type"] in _ASSET_RESOURCE_TYPES:
        return {translator.get_asset_key(node)}
    keys: set[dg.AssetKey] = set()
    for parent in node.get("depends_on", {}).get("nodes", []):
        keys |= _upstream_keys(manifest, parent, translator, seen)
    return keys


def _owners(owner: Mapping[str, Any] | None) -> list[str]:
    if not owner:
        return []
    if owner.get("email"):
        return [owner["email"]]
    if owner.get("name"):
        return [f"team:{re.sub(r'[^a-z0-9]+', '_', owner['name'].lower()).strip('_')}"]
    return []


def _meta(exposure: Mapping[str, Any]) -> Mapping[str, Any]:
    return (exposure.get("config") or {}).get("meta") or exposure.get("meta") or {}


def exposure_specs(manifest: Mapping[str, Any], translator: DagsterDbtTranslator) -> list[dg.AssetSpec]:
    """One asset spec per exposure of a dbt manifest (parsed manifest.json)."""
    specs = []
    for unique_id, exposure in sorted(manifest.get("exposures", {}).items()):
        deps: set[dg.AssetKey] = set()
        for parent in exposure.get("depends_on", {}).get("nodes", []):
            deps |= _upstream_keys(manifest, parent, translator, set())
        deps |= {dg.AssetKey.from_user_string(key) for key in _meta(exposure).get("dagster_upstream", [])}
        metadata: dict[str, Any] = {"dbt_unique_id": unique_id, "type": exposure.get("type") or ""}
        if exposure.get("maturity"):
            metadata["maturity"] = exposure["maturity"]
        if exposure.get("url"):
            metadata["url"] = dg.MetadataValue.url(exposure["url"])
        label = exposure.get("label") or exposure["name"]
        specs.append(
            dg.AssetSpec(
                key=exposure_key(exposure["name"]),
                deps=sorted(deps, key=lambda k: k.to_user_string()),
                description=f"{label} (dbt exposure). {exposure.get('description') or ''}".strip(),
                group_name=EXPOSURE_GROUP,
                kinds={"dbt", exposure.get("type") or "exposure"},
                owners=_owners(exposure.get("owner")),
                metadata=metadata,
            )
        )
    return specs


def build_exposure_specs(manifest_path: Path, translator: DagsterDbtTranslator) -> list[dg.AssetSpec]:
    return exposure_specs(json.loads(manifest_path.read_text(encoding="utf-8")), translator)
