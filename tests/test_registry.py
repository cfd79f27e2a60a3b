"""Printed sector and assignee labels to canonical keys."""

from __future__ import annotations

import pytest

from pipeline.core.errors import NormalisationError
from pipeline.normalise.registry import (
    label_to_key,
    label_to_match,
    load_registry,
    title_to_match,
    yaml_to_registry,
)

CONTRACT_SECTORS = {
    "istruzione", "cultura", "servizi_sociali", "turismo_attivita_produttive",
    "polizia_locale", "ecologia", "urbanistica", "lavori_pubblici_servizi_generali",
    "ragioneria", "tributi", "economato", "segreteria", "sistemi_informativi", "personale",
    "servizi_demografici",
}  # fmt: skip


@pytest.fixture(scope="module")
def registry():
    return load_registry()


def test_registry_holds_exactly_the_contract_keys(registry):
    assert set(registry.keys(("sector",))) == CONTRACT_SECTORS
    assert set(registry.keys()) == CONTRACT_SECTORS | {
        "sport",
        "tutte_le_aree",
        "segretario_comunale",
    }


def test_assignee_only_keys_belong_to_their_sector(registry):
    assert registry.sector_of("sport") == "cultura"
    assert registry.sector_of("tutte_le_aree") is None
    assert registry.sector_of("segretario_comunale") is None


@pytest.mark.parametrize(
    ("label", "key"),
    [
        ("CED", "sistemi_informativi"),
        ("TURISMO ATTIVITA' PRODUTTIVE", "turismo_attivita_produttive"),
        ("Turismo e attivita produttive", "turismo_attivita_produttive"),
        ("Turismo e attività produttive", "turismo_attivita_produttive"),
        ("Lavori pubblici e servizi generali", "lavori_pubblici_servizi_generali"),
        ("LAVORI PUBBLICI SERVIZI GENERALI", "lavori_pubblici_servizi_generali"),
        ("SPORT", "sport"),
        ("TUTTE LE AREE ORGANIZZATIVE", "tutte_le_aree"),
        ("SEGRETARIO COMUNALE", "segretario_comunale"),
        ("  servizi   SOCIALI ", "servizi_sociali"),
        ("Ufficio Tributi", "tributi"),
    ],
)
def test_exact_alias_matches_without_finding(registry, label, key):
    got, findings = label_to_key(label, registry, field="assignee")
    assert (got, findings) == (key, [])


@pytest.mark.parametrize(
    ("label", "key"),
    [
        ("IOTOLIZIONE", "istruzione"),
        ("TDIDLIT", "tributi"),
        ("SERVIZI SOCIAL1", "servizi_sociali"),
        ("P0LIZIA L0CALE", "polizia_locale"),
        ("TUTTE LE AREE ORGANIZATIVE", "tutte_le_aree"),
    ],
)
def test_ocr_damaged_label_matches_with_warning_naming_raw_text_and_score(registry, label, key):
    got, findings = label_to_key(label, registry, field="assignee", page=3)
    assert got == key
    [finding] = findings
    assert (finding.rule, finding.severity, finding.page) == ("label_fuzzy_match", "warning", 3)
    assert finding.raw_value == label
    assert label in finding.message and "score" in finding.message


def test_tdidlit_beats_every_other_key_by_the_margin(registry):
    match = label_to_match("TDIDLIT", registry)
    (first, first_score), (_, second_score) = match.closest[:2]
    assert first == "tributi"
    assert first_score - second_score >= 8


@pytest.mark.parametrize("label", ["BIBLIOTECA", "PROTEZIONE CIVILE", "XYZ", "SERVIZI"])
def test_label_below_threshold_is_an_error_listing_three_closest_keys(registry, label):
    got, findings = label_to_key(label, registry, field="assignee")
    assert got is None
    [finding] = findings
    assert (finding.rule, finding.severity) == ("label_unmatched", "error")
    match = label_to_match(label, registry)
    assert len(match.closest) == 3
    for key, _ in match.closest:
        assert key in finding.message


def test_label_close_to_two_keys_is_not_guessed(registry):
    # "SEGRETARIA" is one letter from both "SEGRETERIA" and "SEGRETARIO"
    got, findings = label_to_key("SEGRETARIA", registry, field="assignee")
    assert got is None
    assert findings[0].severity == "error"


@pytest.mark.parametrize(
    ("title", "key"),
    [
        ("CULTURA - SPORT", "cultura"),
        ("LAVORI PUBBLICI - SERVIZI GENERALI", "lavori_pubblici_servizi_generali"),
        ("LAVORI PUBBLICI E SERVIZI GENERALI", "lavori_pubblici_servizi_generali"),
        ("ISTRUZIONE", "istruzione"),
    ],
)
def test_block_title_maps_to_its_sector(registry, title, key):
    match = title_to_match(title, registry)
    assert match.key == key
    assert match.exact


def test_block_title_naming_units_of_two_sectors_is_not_combined(registry):
    match = title_to_match("ISTRUZIONE - TRIBUTI", registry)
    assert match.key is None


def test_relevance_labels_only_match_sectors(registry):
    got, _ = label_to_key("Sport", registry, field="sector", kinds=("sector",))
    assert got != "sport"


def test_registry_with_an_alias_naming_two_keys_is_rejected():
    text = """
entries:
  - {key: a, name: A, kind: sector, sector: a, aliases: [Same]}
  - {key: b, name: B, kind: sector, sector: b, aliases: [same]}
"""
    with pytest.raises(NormalisationError, match="names both"):
        yaml_to_registry(text)


def test_registry_with_an_assignee_of_an_unknown_sector_is_rejected():
    text = "entries:\n  - {key: a, name: A, kind: assignee, sector: nowhere, aliases: []}\n"
    with pytest.raises(NormalisationError, match="unknown sector"):
        yaml_to_registry(text)
