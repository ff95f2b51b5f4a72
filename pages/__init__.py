"""The dashboard's pages, one module per page, run by Streamlit from app.py's navigation.

A package only so that type checking names them `pages.<page>` (`pages/data.py` is not the `data`
package)."""
