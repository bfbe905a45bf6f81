"""Month and weekday names as regular-expression alternations, for the rules that must tell a
date from a name or a headline ("May Chen" is a person, "March 9, 2026" a date). One list, in
the languages the corpus shows most; hand-written because the date parsers (dateutil, htmldate)
do not expose theirs. Longer names come before their abbreviations."""

MONTH_NAMES = (
    "january|february|march|april|may|june|july|august|september|october|november|december"
    "|jan|feb|mar|apr|jun|jul|aug|sept?|oct|nov|dec"
    "|januar|februar|märz|mai|juni|juli|oktober|dezember"
    "|janvier|février|mars|avril|juin|juillet|août|septembre|octobre|novembre|décembre"
    "|enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|octubre|noviembre|diciembre"
    "|gennaio|febbraio|aprile|maggio|giugno|luglio|settembre|ottobre|dicembre"
)
WEEKDAY_NAMES = (
    "monday|tuesday|wednesday|thursday|friday|saturday|sunday"
    "|montag|dienstag|mittwoch|donnerstag|freitag|samstag|sonntag"
    "|lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche"
)
