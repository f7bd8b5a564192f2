"""Local stand-ins of Pipedrive and Slack on loopback, for the demo, the tests and the bench.

They speak plain HTTP on 127.0.0.1 with the shapes of the official examples, so the real
client, app and Bolt code paths run unchanged against them.
"""

from devkit.pipedrive import PipedriveStandIn, sample_records
from devkit.pipedrive_oauth import PipedriveOAuthStandIn
from devkit.slack import SlackStandIn

__all__ = ["PipedriveOAuthStandIn", "PipedriveStandIn", "SlackStandIn", "sample_records"]
