"""`regelruimte serve`: the web service and the page, with uvicorn as it runs in production.

One process; the rule sets are loaded before the port opens (a broken set: exit 2 with its file and
line). SIGHUP reloads them; `--reload-rulesets` also reloads when their files change. The log has
method, path, status and time per request, and never a case.
"""
from __future__ import annotations

import logging.config

from ..config import DEFAULT_RULESETS
from .main import EXTENSIONS, command, subparsers

LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def log_config(level: str = "INFO") -> dict:
    """Our own log lines only: uvicorn's access log is off (ours leaves out query strings)."""
    handler = {"class": "logging.StreamHandler", "formatter": "plain", "stream": "ext://sys.stderr"}
    return {
        "version": 1, "disable_existing_loggers": False,
        "formatters": {"plain": {"format": LOG_FORMAT}},
        "handlers": {"stderr": handler},
        "loggers": {"regelruimte": {"handlers": ["stderr"], "level": level, "propagate": False},
                    "uvicorn": {"handlers": ["stderr"], "level": level, "propagate": False},
                    "uvicorn.access": {"handlers": [], "level": "WARNING", "propagate": False}},
    }


def add_parser(parser) -> None:
    p = subparsers(parser).add_parser("serve", help="start de webservice en de webpagina")
    p.add_argument("--host", default="127.0.0.1", help="adres (standaard 127.0.0.1)")
    p.add_argument("--port", type=int, default=8000, help="poort (standaard 8000)")
    p.add_argument("--rulesets", metavar="DIR", help="map met regelsets (standaard: de meegeleverde)")
    p.add_argument("--reload-rulesets", action="store_true",
                   help="herlaad de regelsets als hun bestanden veranderen (SIGHUP herlaadt altijd)")
    p.add_argument("--no-web", action="store_true", help="alleen de API, zonder webpagina")
    p.add_argument("--no-access-log", action="store_true", help="geen regel per verzoek in het log")


@command("serve")
def serve(args) -> int:
    import uvicorn

    from casebook.db import database_url_checked
    from casebook.retention import configured_months
    from decision.pool import worker_count

    from ..http.app import create_app
    from ..http.live import settle_heap

    config = log_config()
    if args.no_access_log:
        config["loggers"]["regelruimte.access"] = {"handlers": [], "level": "WARNING", "propagate": False}
    logging.config.dictConfig(config)
    # a bad setting stops the start with a message, not a traceback in the lifespan
    worker_count()
    configured_months()
    database_url_checked()
    # loaded here, before the port opens: a broken rule set stops the start with its file and line
    app = create_app(args.rulesets or DEFAULT_RULESETS, web=not args.no_web, reload_signal=True,
                     watch=args.reload_rulesets)
    settle_heap()
    uvicorn.run(app, host=args.host, port=args.port, log_config=None, access_log=False,
                server_header=False, proxy_headers=False, timeout_graceful_shutdown=10)
    return 0


EXTENSIONS.append(add_parser)
