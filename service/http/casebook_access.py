"""Who asks the casebook, and about what: the store, the caller and their scope, the rule sets and the
filters of a request. Shared by the casebook API (service.http.casebook) and the pages in the site
(service.web.casebook, service.web.whatif); override `get_store` / `get_registry` to change them."""
from __future__ import annotations

import datetime as dt
import logging
import pathlib
import re
import threading

from fastapi import Depends, Request
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from casebook import users
from casebook.access import LOCAL, Access
from casebook.db import resolve_url
from casebook.store import Filters, Store
from engine.case import MUNICIPALITY_MAX, MUNICIPALITY_MIN, is_municipality
from engine.errors import Problem, RegelruimteError
from engine.registry import Registry

from ..config import DEFAULT_RULESETS
from . import identity
from .api import ApiError
from .casebook_schemas import OUTCOMES

log = logging.getLogger("regelruimte.casebook")

_stores: dict[str, Store] = {}
_lock = threading.Lock()


def get_store() -> Store:
    """The store of $REGELRUIMTE_DATABASE_URL (opened and migrated once per process)."""
    url = resolve_url(None)
    with _lock:
        if url not in _stores:
            _stores[url] = Store.open(url)
        return _stores[url]


def casebook_exists() -> bool:
    """Whether the configured casebook is there, without creating an SQLite file by asking."""
    configured = resolve_url(None)
    url = make_url(configured)
    if url.get_backend_name() != "sqlite" or configured in _stores:
        return True
    return bool(url.database) and url.database != ":memory:" and pathlib.Path(url.database).exists()


def caller(request: Request, store: Store = Depends(get_store)) -> Access:
    """Who asks, and within which scope: everyone and everything while the casebook has no users."""
    if not users.has_users(store.engine):
        return LOCAL
    user = identity.lookup().identify(request, store)
    try:  # checked again whoever built it: a professional without a team must not see the whole municipality
        user = users.validate(user) if user is not None else None
    except RegelruimteError:
        user = None
    if user is None:
        raise ApiError("unauthorized")
    route = request.scope.get("route")
    return Access.of(user, via=f"{request.method} {getattr(route, 'path', 'api')}")


def access_of(request: Request) -> Access | None:
    """The casebook caller of a page that needs none (the decision page, the what-if): None without a casebook
    or for a caller who is no user."""
    if get_store not in request.app.dependency_overrides and not casebook_exists():
        return None
    try:
        return caller(request, request.app.dependency_overrides.get(get_store, get_store)())
    except (ApiError, SQLAlchemyError):
        return None


def user_of(request: Request) -> str | None:
    """The name of the casebook user who asks, for pages that keep their results per user (the what-if
    jobs); None without a casebook, in the local mode, or for a caller who is no user."""
    access = access_of(request)
    return access.user if access is not None else None


def accepts_token(request: Request, token: bytes) -> bool:
    """Whether `token` belongs to a casebook user (service.http.api.require_token asks when it is not one of
    the service's own tokens), so a user's token opens the rest of the service too. Only tokens shaped
    like a user's reach the database; a database that cannot be reached accepts nothing."""
    if not token.startswith(users.TOKEN_PREFIX.encode()):
        return False
    if get_store not in request.app.dependency_overrides and not casebook_exists():
        return False  # no casebook, so no users: a guessed token must not create casebook.sqlite
    try:
        store = request.app.dependency_overrides.get(get_store, get_store)()
        return users.user_by_token(store.engine, token) is not None
    except SQLAlchemyError:
        log.error("casebook onbereikbaar bij het controleren van een token")
        return False


_registry: list[Registry] = []


def get_registry(request: Request) -> Registry:
    """The rule sets the service serves now, so a reload applies to the casebook too; a bare app
    (this router on its own) loads the bundled ones once."""
    live = getattr(request.app.state, "live", None)
    if live is not None:
        return live.current
    with _lock:
        if not _registry:
            _registry.append(Registry.load(DEFAULT_RULESETS))
        return _registry[0]


def municipality_of(text: str) -> str:
    """A municipality slug as the case format has it; anything else is refused (it ends up in a file name)."""
    if not is_municipality(text):
        raise ApiError("invalid_request", [Problem(
            f"geen geldige gemeente: schrijf de slug, bv. zaanstad ({MUNICIPALITY_MIN} tot {MUNICIPALITY_MAX} "
            "tekens: kleine letters, cijfers en -, beginnend met een letter)",
            f"not a valid municipality: write its slug, e.g. zaanstad ({MUNICIPALITY_MIN} to {MUNICIPALITY_MAX} "
            "characters: lower-case letters, digits and -, starting with a letter)", field="municipality")])
    return text


def case_scope_of(request: Request) -> tuple[str | None, str | None]:
    """The municipality and team that narrow a lookup by case id to one case (decision record 0044): absent,
    any; `team` given empty, the case without a team."""
    p = request.query_params
    municipality = (p.get("municipality") or p.get("gemeente") or "").strip()
    team = p.get("team")
    if team is not None and len(team.strip()) > 100:
        raise ApiError("invalid_request", [Problem("team: tekst van ten hoogste 100 tekens",
                                                   "team: text of at most 100 characters", field="team")])
    return (municipality_of(municipality) if municipality else None), (team.strip() if team is not None else None)


def _date(params, key: str) -> dt.date | None:
    text = (params.get(key) or "").strip()
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ApiError("invalid_request", [Problem("geen geldige datum; schrijf JJJJ-MM-DD", "not a valid date; write YYYY-MM-DD",
                                  field=key)]) from None


FILTER_PARAMS = ("municipality", "from", "to", "evaluation", "team", "tag", "outcome", "lang")
# a parameter someone may well try for one that exists (the page's other parameters are Dutch)
_MEANT = {"granularity": "period", "granulariteit": "period", "periode": "period", "uitkomst": "outcome",
          "gemeente": "municipality", "van": "from", "vanaf": "from", "tot": "to", "label": "tag",
          "evaluatie": "evaluation", "page": "pagina"}
_PARAM_NAME = re.compile(r"^[a-z_]{1,30}$")


def check_params(request: Request, *extra: str, values: dict[str, str] | None = None) -> None:
    """Refuse a query parameter this address does not know (it would be ignored without a word: a report over
    everything while the caller thinks it is narrowed), naming it when it is a plain name and what is allowed."""
    allowed = (*FILTER_PARAMS, *extra)
    problems = []
    for key in dict.fromkeys(request.query_params.keys()):
        if key in allowed:
            continue
        plain = bool(_PARAM_NAME.match(key))
        meant = _MEANT.get(key) if plain else None
        hint = f"; bedoelt u ‘{meant}’{' (' + values[meant] + ')' if values and meant in values else ''}?" \
            if meant in allowed else ""
        hint_en = f"; did you mean ‘{meant}’?" if meant in allowed else ""
        problems.append(Problem(f"onbekende parameter{' ‘' + key + '’' if plain else ''}{hint} Toegestaan: "
                                f"{', '.join(allowed)}",
                                f"unknown parameter{' ‘' + key + '’' if plain else ''}{hint_en} Allowed: "
                                f"{', '.join(allowed)}", field=key if plain else None))
    if problems:
        raise ApiError("invalid_request", problems)


def filters_of(request: Request) -> Filters:
    """Filters from the query string; empty values (as a form sends them) mean 'no filter'."""
    p = request.query_params
    outcome = (p.get("outcome") or "").strip() or None
    if outcome and outcome not in OUTCOMES:
        raise ApiError("invalid_request", [Problem(f"onbekende uitkomst; kies uit {', '.join(OUTCOMES)}",
                                                   f"unknown outcome; choose from {', '.join(OUTCOMES)}",
                                                   field="outcome")])
    date_from, date_to = _date(p, "from"), _date(p, "to")
    if date_from and date_to and date_from > date_to:
        raise ApiError("invalid_request", [Problem(
            "de datum ‘from’ (vanaf) ligt na de datum ‘to’ (tot en met): dan is er geen enkele casus; kies een "
            "begin vóór het eind", "‘from’ is after ‘to’: no case can be in between; choose a start before the end",
            field="from")])
    return Filters(municipalities=tuple(municipality_of(m) for m in p.getlist("municipality") if m.strip()),
                   date_from=date_from, date_to=date_to,
                   evaluation=(p.get("evaluation") or "").strip() or None, team=(p.get("team") or "").strip() or None,
                   tag=(p.get("tag") or "").strip() or None, outcome=outcome)
