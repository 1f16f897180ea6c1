"""The web layer by role: routes/ (thin routers), payloads/ (what they compute and send), infrastructure/
(how requests are served), live/ (the live class: its routes, sessions and questions together), and
schemas.py, the request schemas all of them read. Imports app.core, never the reverse."""
