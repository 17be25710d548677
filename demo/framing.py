"""Responses this site's own pages may show in a frame: the Strada app shell (/app) shows the platform's app page and
the app's hand-over page in its web view (an iframe of the same origin). Every other response keeps
frame-ancestors 'none' and X-Frame-Options DENY (set in create_app's Talisman)."""

from flask import Response

FRAMEABLE_BY_SELF = "frameable_by_self"


def frameable_by_self(response: Response) -> Response:
    """Mark ``response``: frame-ancestors 'self' and X-Frame-Options SAMEORIGIN instead of 'none' and DENY."""
    setattr(response, FRAMEABLE_BY_SELF, True)
    return response
