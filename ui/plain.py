"""Data shown as text, never as Markdown or HTML.

Streamlit renders Markdown in `st.markdown`, `st.caption`, `st.write` of a string, `st.error`,
`st.info`, widget labels, `help=` tooltips, tab and expander titles, and links bare URLs. An
imported name such as `![x](http://host/p.png)` or `[a](http://x)` would then fetch that address
or become a link. `plain(value)` backslash-escapes every ASCII punctuation character (CommonMark
lets any of them be escaped, and Streamlit's `:red[...]`, `:material/...:` and `$...$` syntax is
made of them), so the value shows exactly as written. Tables (`st.dataframe`), select options,
chart titles and download names are already plain text and need nothing.
"""

from __future__ import annotations

import re
import string

_PUNCTUATION = re.compile("([" + re.escape(string.punctuation) + "])")
_LINE_BREAKS = re.compile(r"[\r\n\u2028\u2029]+")


def plain(value: object) -> str:
    """`value` as Markdown source that renders as exactly its text, on one line."""
    text = "" if value is None else str(value)
    return _PUNCTUATION.sub(r"\\\1", _LINE_BREAKS.sub(" ", text))
