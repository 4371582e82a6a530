"""The site for people: server-rendered pages (the case form and its decision, the rule sets, the
analysts' casebook pages, the what-if page), their templates and static files. Served by
service/http/app.py; pages use service/http/ for errors, limits and work off the event loop."""
