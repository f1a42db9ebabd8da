"""Print the current second-factor code of the demo staff accounts (demo data only)."""

import pyotp

from association.demo_parks import DEMO_TOTP_SECRET

if __name__ == "__main__":
    print(pyotp.TOTP(DEMO_TOTP_SECRET).now())
