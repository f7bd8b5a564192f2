"""Pipedrive person cards in Slack: the app, its listeners, the people service and the Pipedrive client."""
