"""How many anonymous reports the portal accepts, for the form and the API alike.

Many phones share one public address on Indonesian mobile networks
(carrier-grade NAT): during a flood a whole village may report through one
address. So the limit is not one small number per address:

- Only accepted reports count. A refused submission (400) or a resent one
  (the same client_uuid, answered 200) costs nothing.
- A phone that carries a signed device token has its own limit
  (`report_submit`, 10 an hour by default). The form gives each browser a
  token in a cookie when the page is opened, which the browser also sends
  with the reports its offline queue delivers through the API; another app
  asks `POST /api/v1/reports/device-token/` once and sends it in the
  `X-Device-Token` header.
- Without a (valid) token, all tokenless submissions from an address share
  that same small allowance, as before.
- Every accepted report from an address, with or without a token, counts
  toward the address's crowd allowance (`report_address`, 200 an hour), the
  ceiling a hostile visitor minting tokens can reach.

Room for a report is taken before it is saved and given back when it is
not (`report_hold`): checking and counting are one step, so concurrent
submissions never let one more through than the limit.

Device tokens are limited per address too (`device_token`), whether asked
for through the API or given by the form page (which then simply sets no
cookie: the phone counts per address).

Signed-in staff entering reports are not limited. The reverse proxy should
still limit raw request rates per address (README).
"""

import uuid

from django.conf import settings
from django.core import signing

from kitaaman.ratelimit import Bucket, Hold, address_key, hold_all

DEVICE_COOKIE = "kitaaman_perangkat"
DEVICE_HEADER = "X-Device-Token"
SALT = "kitaaman.device"


def device_token_max_age() -> int:
    return getattr(settings, "DEVICE_TOKEN_MAX_AGE_DAYS", 90) * 86400


def device_token_issue() -> str:
    """A new signed token naming one device (no personal data in it)."""
    return signing.dumps({"d": uuid.uuid4().hex}, salt=SALT, compress=False)


def device_id(token) -> str | None:
    """The device a token names, or None for a missing, forged or expired one."""
    if not token or not isinstance(token, str) or len(token) > 200:
        return None
    try:
        data = signing.loads(token, salt=SALT, max_age=device_token_max_age())
    except signing.BadSignature:
        return None
    device = data.get("d") if isinstance(data, dict) else None
    return device if isinstance(device, str) and len(device) == 32 else None


def request_device_token(request) -> str | None:
    """The header an app or offline queue sends, else the cookie the form
    page set: /lapor/'s own script and its service worker post to the API
    from the same origin, so the browser sends the cookie with them (SameSite
    Lax: never with a form posted from another site)."""
    return request.headers.get(DEVICE_HEADER) or request.COOKIES.get(DEVICE_COOKIE)


def _buckets(request) -> list[Bucket]:
    address = address_key(request)
    device = device_id(request_device_token(request))
    own = Bucket("report_submit", f"device:{device}") if device else Bucket("report_submit", f"address:{address}")
    return [own, Bucket("report_address", address)]


def _exempt(request) -> bool:
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated)


def report_hold(request) -> Hold:
    """Room for one report from this request (hold.wait == 0), or the seconds
    until there is. Call `hold.keep()` once the report is created; used as a
    context manager, the room is given back otherwise (a refusal, a resend,
    an error)."""
    return hold_all([] if _exempt(request) else _buckets(request))


def device_token_bucket(request) -> Bucket:
    """New device tokens per address, whatever asks for them (API or form page)."""
    return Bucket("device_token", address_key(request))


def set_device_cookie(request, response) -> None:
    """Give this browser a device token unless it already has a valid one."""
    if device_id(request.COOKIES.get(DEVICE_COOKIE)):
        return
    if device_token_bucket(request).take():
        return
    response.set_cookie(
        DEVICE_COOKIE,
        device_token_issue(),
        max_age=device_token_max_age(),
        httponly=True,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )
