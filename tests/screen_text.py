"""Every piece of text a person reads on a rendered AppTest page: titles, markdown, captions,
alerts, widget labels and options, tab and expander labels, metric tiles, table headers (the
column configuration's label when a page sets one), the text cells of tables and the hover
texts and titles of Plotly charts.

Used by the Chinese-everywhere test to find words left in English on a Chinese screen."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pandas as pd

# Latin words a Chinese reader meets in Chinese banking software as they are: file formats and
# the few acronyms the bank itself uses untranslated. Anything else in Latin letters is English.
ALLOWED = {
    "AUM",
    "KPI",
    "CRM",
    "SLA",
    "CSV",
    "PDF",
    "Excel",
    "YAML",
    "xlsx",
    "csv",
    "pdf",
    "yaml",
    "MB",
    "ID",
    "id",
    "UTF",
    "BOM",
    "GBK",
    "GB18030",
    "OIDC",
    "Argon2id",
    "min",  # formula notation in a definition
    "max",
}
WORD = re.compile(r"[A-Za-z][A-Za-z0-9_]*[a-z][A-Za-z0-9_]*")
# Code spans, file names and command lines are meant to be typed as they are.
CODE = re.compile(
    r"`[^`]*`|(?:^|\s)/[\w./-]+|\b[\w.-]+\.(?:csv|xlsx|yaml|yml|pdf|py|toml)\b|python -m [\w -]+"
)


def english_words(text: str) -> list[str]:
    """Latin words in `text` that are neither allowed acronyms nor code."""
    # As a reader sees it: Markdown source escapes the data's punctuation (`staff\\.csv`).
    stripped = CODE.sub(" ", re.sub(r"\\(.)", r"\1", text))
    return [w for w in WORD.findall(stripped) if w not in ALLOWED]


def _headers(node: Any) -> list[str | None]:
    """Each column's header as shown (the configured label, else the column), None if hidden."""
    frame = node.value
    raw = getattr(node.proto, "columns", "")
    config: dict[str, Any] = json.loads(raw) if raw else {}
    out: list[str | None] = []
    for position, column in enumerate(getattr(frame, "columns", [])):
        entry = config.get(str(column), config.get(f"_pos:{position}"))
        if entry is None:
            out.append(str(column))
        elif isinstance(entry, dict) and entry.get("hidden"):
            out.append(None)
        else:
            out.append(
                str(entry.get("label") or column) if isinstance(entry, dict) else str(column)
            )
    return out


def _option_labels(node: Any) -> dict[str, dict[str, str]]:
    """column -> {value: label} of a selectbox column (the browser shows the label)."""
    raw = getattr(node.proto, "columns", "")
    config: dict[str, Any] = json.loads(raw) if raw else {}
    out: dict[str, dict[str, str]] = {}
    for column, entry in config.items():
        options = (
            (entry.get("type_config") or {}).get("options") if isinstance(entry, dict) else None
        )
        if options and isinstance(options[0], dict):
            out[column] = {str(o["value"]): str(o.get("label", o["value"])) for o in options}
    return out


def _cells(node: Any, headers: list[str | None], skip: set[str]) -> Iterator[str]:
    frame = node.value
    shown_as = _option_labels(node)
    for column, shown in zip(frame.columns, headers, strict=False):
        if shown is None or shown in skip:
            continue
        series = frame[column]
        if pd.api.types.is_numeric_dtype(series) or pd.api.types.is_datetime64_any_dtype(series):
            continue
        values = shown_as.get(str(column), {})
        yield from (values.get(v, v) for v in series.dropna().map(str).unique()[:200] if v)


_PLACEHOLDER = re.compile(r"%\{[^}]*\}|<br>|<extra>.*?</extra>")


def plotly_texts(spec: str) -> list[str]:
    """The words a Plotly figure shows beside its data: hover templates (placeholders left out),
    trace names, and the titles of the figure and its axes. Labels of segments are names from
    data and are left out."""
    figure = json.loads(spec)
    found: list[str] = []
    for trace in figure.get("data", []):
        template = trace.get("hovertemplate")
        if isinstance(template, str):
            found += [p.strip(" :：") for p in _PLACEHOLDER.split(template) if p.strip(" :：")]
        if isinstance(trace.get("name"), str) and trace["name"]:
            found.append(trace["name"])
    layout = figure.get("layout", {})
    for key in ("title", *(k for k in layout if k.startswith(("xaxis", "yaxis")))):
        title = layout.get(key, {}) if key == "title" else layout[key].get("title", {})
        if isinstance(title, dict) and title.get("text"):
            found.append(str(title["text"]))
    return found


_TAG = re.compile(r"<[^>]*>")
_SHOWN_ATTRIBUTE = re.compile(r"""\b(?:alt|title)=["']([^"']*)["']""")


def _html_text(body: str) -> str:
    """The text of an HTML snippet a person sees: outside its tags, plus alt and title texts."""
    return " ".join([_TAG.sub(" ", body), *_SHOWN_ATTRIBUTE.findall(body)]).strip()


def texts(at: Any, skip_headers: set[str] | None = None) -> list[tuple[str, str]]:
    """(where, text) for every readable string on the page; the cells of the columns headed by
    one of `skip_headers` are left out (names and free text)."""
    out: list[tuple[str, str]] = []

    def walk(node: Any) -> None:
        kind = type(node).__name__
        for attr in ("label", "body", "help", "placeholder"):
            value = getattr(node, attr, None)
            if kind == "Html" and isinstance(value, str):
                value = _html_text(value)  # what a person reads, not the tags and addresses
            if isinstance(value, str) and value.strip():
                out.append((f"{kind}.{attr}", value))
        if kind in (
            "Title",
            "Header",
            "Subheader",
            "Markdown",
            "Caption",
            "Text",
            "Error",
            "Warning",
            "Info",
            "Success",
            "Latex",
        ):
            out.append((kind, str(node.value)))
        if kind == "Metric":
            out.append(("Metric.value", str(node.value)))
        options = getattr(node, "options", None)
        if isinstance(options, list) and kind in (
            "Selectbox",
            "Radio",
            "Multiselect",
            "SelectSlider",
            "ButtonGroup",
        ):
            out.extend((f"{kind}.option", str(o)) for o in options)
        if getattr(node, "type", None) == "plotly_chart":
            out.extend(("chart", text) for text in plotly_texts(node.proto.spec))
        if kind == "Dataframe":
            headers = _headers(node)
            out.extend(("header", h) for h in headers if h is not None)
            frame = node.value
            if isinstance(frame, pd.DataFrame):
                out.extend(("cell", c) for c in _cells(node, headers, skip_headers or set()))
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(at._tree)
    return out
