"""The web app for policy makers (``meedoen app``, the optional extra ``app``): a Streamlit page over
the library's public API (``compare``, ``load_scenario``, ``load_scaled``, ``transplant``,
``Results``, ``report``, ``plots``).

``streamlit_app.py`` holds the Streamlit calls and is the file ``streamlit run`` is given; what to
run (``questions``), the knobs (``knobs``), what is shown (``views``) and the page's words
(``words``) are plain functions that import no Streamlit.
"""

from __future__ import annotations

from pathlib import Path

#: The script ``streamlit run`` is given.
SCRIPT = Path(__file__).with_name("streamlit_app.py")
