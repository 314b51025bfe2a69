"""The toolkit's server plus one do-nothing route, for the phones-under-load benchmark.

The same st.App that app.py builds (the toolkit's page script and its participant
routes), with `/bench/noop` mounted beside them, so the ceiling is measured through the
same server, middleware and routing as the ballots. Started by bench/phone_load.py with
`python -m streamlit run bench/same_server_app.py ...` (Streamlit finds the `app` below
and runs it under uvicorn, as it does for app.py); never part of the toolkit.
"""

from pathlib import Path

import streamlit as st
from noop_routes import routes as noop_routes  # bench/ is on sys.path: `streamlit run` puts it there

from c4d.phones.routes import participant_routes
from c4d.serving import no_delay_on_accepted_connections

no_delay_on_accepted_connections()  # as app.py does, so both servers answer alike

APP_SCRIPT = Path(__file__).resolve().parent.parent / "app.py"

app = st.App(APP_SCRIPT, routes=participant_routes() + noop_routes)
