"""The C4D workshop toolkit: plan Communication for Development campaigns with the
P-Process and the IOM X Roadshow. Everything here is importable without Streamlit."""

__version__ = "0.1.0"
