"""The HTTP service: the application (`app.py`), the JSON API under /v1 and what every route shares
(one error format, size limits and headers, the live rule sets, work off the event loop). The pages for
people are in service/web/ and are mounted by `app.py`."""
