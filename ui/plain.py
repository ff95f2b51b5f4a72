"""Data shown as text, never as Markdown or HTML.

Streamlit renders Markdown in `st.markdown`, `st.caption`, `st.write` of a string, `st.error`,
`st.info`, widget labels, `help=` tooltips, tab and expander titles, and links bare URLs. An
imported name such as `![x](http://host/p.png)` or `[a](http://x)` would then fetch that address
or become a link. `plain(value)` backslash-escapes every ASCII punctuation character (CommonMark
lets any of them be escaped, and Streamlit's `:red[...]`, `:material/...:` and `$...$` syntax is
made of them), and keeps bare addresses from being linked (see `JOINER`), so the value shows
exactly as written. Tables (`st.dataframe`), select options,
chart titles and download names are already plain text and need nothing.
"""

from __future__ import annotations

import re
import string

_PUNCTUATION = re.compile("([" + re.escape(string.punctuation) + "])")
_LINE_BREAKS = re.compile(r"[\r\n\u2028\u2029]+")
# Streamlit links bare addresses (`http://…`, `www.…`, `name@host.cn`) in the text *after* the
# Markdown is parsed, so escapes do not stop it; an invisible WORD JOINER after `:` and `@` and
# after `www` does (the address no longer matches), and the text still reads the same.
JOINER = "\u2060"
_AUTOLINK = re.compile(r"([:@])|(?<=www)(?=\.)", re.IGNORECASE)


def plain(value: object) -> str:
    """`value` as Markdown source that renders as exactly its text, on one line."""
    text = "" if value is None else str(value)
    joined = _AUTOLINK.sub(lambda m: (m.group(1) or "") + JOINER, _LINE_BREAKS.sub(" ", text))
    return _PUNCTUATION.sub(r"\\\1", joined)
