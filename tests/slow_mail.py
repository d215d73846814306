"""An e-mail backend for the worker-kill tests: the file-based backend, but
each message takes KITAAMAN_TEST_MAIL_SECONDS to send (as a slow SMTP server
would), so a test can kill the worker while a delivery is under way. The
message is written only after the wait: killed during it, nothing was sent."""

import os
import time

from django.core.mail.backends.filebased import EmailBackend


class SlowFileBackend(EmailBackend):
    def send_messages(self, email_messages):
        sent = 0
        for message in email_messages:
            time.sleep(float(os.environ.get("KITAAMAN_TEST_MAIL_SECONDS", "2")))
            sent += super().send_messages([message])
        return sent
