"""What a council prints before and around the tables: a cover page, two pages of prose,
a running page header and a "Pagina N di M" footer. Every producer prints the same text."""

from __future__ import annotations

from benchmarks.renderings.plan import Plan


def cover_lines(plan: Plan) -> list[str]:
    """The cover page, top to bottom."""
    return [
        plan.municipality,
        f"Provincia di {plan.province}",
        f"PIANO DELLA PERFORMANCE {plan.year}",
        "Piano esecutivo di gestione - parte obiettivi",
        plan.revision_label.capitalize(),
        "Approvato con deliberazione della Giunta comunale",
    ]


def running_header(plan: Plan) -> str:
    """The line printed at the top of every page."""
    return f"{plan.municipality} — Piano della performance {plan.year}"


def footer_text(page: int, pages: int) -> str:
    """The footer of page `page` of `pages`."""
    return f"Pagina {page} di {pages}"


def prose_pages(plan: Plan) -> list[tuple[str, list[str]]]:
    """Two pages of narrative prose: (heading, paragraphs) for each page."""
    year = plan.year
    return [
        (
            "Premessa",
            [
                "Il Piano della performance è il documento programmatico triennale con cui "
                "l'Amministrazione, in coerenza con le risorse assegnate, esplicita gli "
                "obiettivi, gli indicatori ed i risultati attesi su cui si baserà la "
                "misurazione, la valutazione e la rendicontazione della performance, ai "
                "sensi dell'art. 10 del D.Lgs. 27 ottobre 2009, n. 150.",
                "Il presente aggiornamento recepisce le variazioni intervenute nel corso "
                f"dell'esercizio {year}, a seguito delle verifiche infrannuali condotte dai "
                "Responsabili di servizio con il Segretario comunale e con il Nucleo di "
                "valutazione, e tiene conto delle modifiche organizzative deliberate dalla "
                "Giunta comunale.",
                "Gli obiettivi gestionali sono assegnati ai Responsabili dei settori e, per "
                "il loro tramite, al personale assegnato ai servizi; per ciascun obiettivo "
                "sono indicati l'oggetto, la descrizione, l'indicatore di performance, il "
                "risultato atteso ed i tempi stabiliti per il suo raggiungimento.",
                "Il grado di raggiungimento degli obiettivi concorre alla valutazione della "
                "performance organizzativa ed individuale e alla distribuzione delle "
                "risorse destinate alla produttività, secondo il sistema di misurazione e "
                "valutazione vigente nell'ente.",
            ],
        ),
        (
            "Il ciclo di gestione della performance",
            [
                "Il ciclo si articola nella definizione e assegnazione degli obiettivi, nel "
                "collegamento tra gli obiettivi e l'allocazione delle risorse, nel "
                "monitoraggio in corso di esercizio con l'attivazione di eventuali "
                "interventi correttivi, nella misurazione e valutazione della performance e "
                "nella rendicontazione dei risultati agli organi di indirizzo politico.",
                "Gli obiettivi discendono dalle linee programmatiche di mandato e dal "
                "Documento Unico di Programmazione (DUP): per ciascuno è indicato il "
                "riferimento alla missione e al programma di bilancio, così da rendere "
                "leggibile il legame tra la programmazione strategica e quella operativa.",
                "Ove un obiettivo si articoli in più risultati attesi, a ciascuno è "
                "attribuito un peso percentuale; il mancato rispetto dei tempi stabiliti "
                "comporta, ove indicato, una riduzione del punteggio per ogni mese di "
                "ritardo.",
                "La rilevanza di ciascun settore sul totale delle somme stanziate per il "
                "salario accessorio è riportata nella tabella conclusiva del presente "
                "documento.",
            ],
        ),
    ]
