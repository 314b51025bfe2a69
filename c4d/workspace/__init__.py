"""The workspace around the tools: campaigns, their workshop sessions, and this laptop's
settings (the organisation's logo, the address phones use).

`commands.py` holds every write the Campaigns, Workshop sessions and Settings pages make,
each one function in one transaction; `branding.py` the organisation's logo, which the
exports draw on their covers.
"""
