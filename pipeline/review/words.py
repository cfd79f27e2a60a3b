"""The review report's words for people, in Italian like the plans, the diff memo and the
score chart: severities, and what each rule of quality.parquet found, in a sentence.
The rule codes stay in the report, in a column of their own, for machines and for
searching the code."""

from __future__ import annotations

SEVERITY_LABELS = {"error": "errore", "warning": "avviso", "info": "informazione"}
SEVERITY_PLURALS = {"error": "errori", "warning": "avvisi", "info": "informazioni"}
STATUS_LABELS = {"active": "attivo", "suspended": "sospeso", "postponed": "rinviato"}

# rule code -> what it found, said to a person who reads the plan
RULE_DESCRIPTIONS = {
    "assignee_from_block": "Assegnatario dedotto dal settore della tabella",
    "bare_weight": "Peso scritto senza la parola «Peso»",
    "block_sector_tie": "Settore della tabella incerto fra due candidati",
    "cross_cutting_not_in_fund_split": "Obiettivi trasversali esclusi dalla ripartizione",
    "deadline_before_plan_year": "Scadenza precedente all'anno del piano",
    "deadline_implausible_year": "Anno della scadenza poco plausibile",
    "deadline_impossible_day": "Giorno inesistente nella scadenza, portato a fine mese",
    "deadline_missing": "Scadenza mancante",
    "deadline_not_a_date": "Scadenza scritta a parole, non una data",
    "deadline_repeated_date": "Stessa data ripetuta nella scadenza",
    "deadline_several_dates": "Più date nella scadenza: vale l'ultima",
    "deadline_two_digit_year": "Anno della scadenza a due cifre",
    "deadline_unrepairable": "Scadenza non riparabile",
    "deadline_year_typo": "Refuso nell'anno della scadenza, corretto",
    "dup_ambiguous": "Codice DUP ambiguo",
    "dup_compact_code": "Codice DUP scritto senza separatori",
    "dup_extra_text": "Testo in più accanto al codice DUP",
    "dup_incomplete": "Codice DUP incompleto",
    "dup_several_codes": "Più codici DUP nella stessa cella",
    "dup_unknown_code": "Codice DUP sconosciuto",
    "dup_unparseable": "Codice DUP illeggibile",
    "extra_column": "Colonna in più rispetto al modello del piano",
    "grid_finder": "Come è stata trovata la griglia della tabella",
    "header_carried_over": "Intestazione ripresa dalla pagina precedente",
    "header_unreadable": "Intestazione della tabella illeggibile",
    "hyphen_join_guessed": "Parola spezzata a fine riga ricongiunta per ipotesi",
    "label_fuzzy_match": "Nome riconosciuto per somiglianza",
    "label_unmatched": "Nome non riconosciuto",
    "low_ocr_confidence": "Cella letta dall'OCR con poca certezza",
    "low_row_confidence": "Riga ricostruita con poca certezza",
    "manual_correction": "Correzione manuale applicata",
    "missing_dup": "Codice DUP mancante",
    "no_deadline": "Obiettivo senza scadenza",
    "no_sub_targets": "Obiettivo senza risultati attesi",
    "no_targets": "Obiettivo senza risultati attesi",
    "number_duplicate": "Numero dell'obiettivo ripetuto",
    "number_missing": "Numero dell'obiettivo mancante",
    "ocr_cache_entry_unreadable": "Memoria dell'OCR illeggibile: pagina riletta",
    "page_rotated": "Pagina ruotata",
    "page_unreadable": "Pagina illeggibile",
    "pdf_encrypted": "PDF cifrato (senza password di apertura)",
    "penalty_rule": "Regola di penale per il ritardo",
    "penalty_rules_differ": "Regole di penale diverse nello stesso obiettivo",
    "percentage_not_a_weight": "Percentuale che non è un peso",
    "relevance_below_100": "Le rilevanze sommano meno di 100%",
    "relevance_missing": "Rilevanza mancante",
    "relevance_missing_sector": "Settore assente dalla tabella delle rilevanze",
    "relevance_sector_without_objectives": "Rilevanza di un settore senza obiettivi",
    "relevance_sum": "Le rilevanze non sommano a 100%",
    "relevance_table_missing": "Tabella «Rilevanza degli obiettivi» mancante",
    "relevance_total_mismatch": "Totale delle rilevanze diverso da quello stampato",
    "relevance_total_unread": "Totale stampato delle rilevanze non leggibile",
    "header_field_by_elimination": "Colonna riconosciuta per esclusione (intestazione illeggibile)",
    "number_column_by_content": "Colonna n. riconosciuta dai numeri (intestazione illeggibile)",
    "unmapped_glyph_read": "Lettera senza codifica nel PDF, letta dalla pagina (OCR)",
    "sector_without_relevance": "Settore senza rilevanza",
    "sector_without_scored_objectives": "Settore senza obiettivi valutati",
    "status_conflict": "Stato dell'obiettivo contraddittorio",
    "status_from_text": "Stato dedotto dal testo",
    "table_without_header": "Tabella senza intestazione, tralasciata",
    "unmapped_glyph": "Lettere che il PDF non codifica: leggerle sulla pagina",
    "weight_missing": "Peso mancante",
    "weight_out_of_range": "Peso fuori dall'intervallo 0-100",
    "weights_equal": "Pesi uguali, il piano non li stampa",
    "weights_in_two_cells": "Pesi scritti in due celle",
    "weights_printed": "Pesi stampati nel piano",
    "weights_sum": "I pesi non sommano a 100%",
}


def rule_to_description(rule: object) -> str:
    """Given a rule code, return what it found in Italian (the code, for a rule not
    described yet)."""
    return RULE_DESCRIPTIONS.get(str(rule), f"Controllo «{rule}»")


def severity_to_label(severity: object) -> str:
    """Given a severity (error, warning, info), return its Italian name."""
    return SEVERITY_LABELS.get(str(severity), str(severity))
