"""Which of the platform's pages a visitor gets: the pc page (a QR code), the mobile web page, or the app page."""

from functools import lru_cache

from ua_parser import parse

from .models import FLOW_LABELS
from .providers import PROVIDERS

FLOWS = tuple(FLOW_LABELS)
MOBILE_OS = {"Android", "iOS", "iPadOS"}
MOBILE_DEVICES = {"iPhone", "iPad", "iPod"}
# UA tokens of the platforms' own in-app browsers (case-sensitive: a preview bot's lower-case name is not one)
IN_APP_BROWSERS = tuple(dict.fromkeys(token for provider in PROVIDERS.values() for token in provider.in_app_browsers))


@lru_cache(maxsize=1024)
def flow_for(user_agent: str, app_marker: str) -> str:
    """app: a platform's in-app browser (its provider's in_app_browsers token, matched case-sensitively) or the
    Strada app; mobile: phones and tablets (by a maintained UA parser); pc: everything else. A Macintosh platform is
    pc even when the browser token says iOS: iPadOS asked for the desktop site, and it cannot be told from a Mac."""
    if any(token in user_agent for token in IN_APP_BROWSERS) or (app_marker and app_marker in user_agent):
        return "app"
    if "Macintosh" in user_agent:
        return "pc"
    result = parse(user_agent)
    os_family = result.os.family if result.os else ""
    device_family = result.device.family if result.device else ""
    return "mobile" if os_family in MOBILE_OS or device_family in MOBILE_DEVICES else "pc"


def choose_flow(user_agent: str, override: str | None, app_marker: str) -> str:
    return override if override in FLOWS else flow_for(user_agent or "", app_marker)
