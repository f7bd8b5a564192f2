"""Pipedrive person cards in Slack: app, listeners, people service, Pipedrive client."""
