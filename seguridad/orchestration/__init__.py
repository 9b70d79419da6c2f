"""Orchestration: the long-lived local Prefect server the writing commands start on first use and
share, its state files and status line."""
