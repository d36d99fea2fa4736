"""A compact console logger for operators: one line per message, no stack traces, no colour codes."""

from __future__ import annotations

import logging
import sys

import dagster as dg
from dagster._core.log_manager import get_log_record_metadata, has_log_record_metadata


class _CompactFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        when = self.formatTime(record, "%H:%M:%S")
        if has_log_record_metadata(record):
            meta = get_log_record_metadata(record)
            step = meta.get("step_key") or meta.get("job_name") or ""
            message = meta.get("orig_message") or ""
        else:
            step, message = "", record.getMessage()
        if message.startswith("Dependencies for step ") and message.endswith("Not executing."):
            message = "not run: a step it depends on failed"  # Dagster names every input of it
        level = "" if record.levelno < logging.WARNING else f"{record.levelname} "
        return f"{when} {step:<24} {level}{message}"


@dg.logger(
    config_schema={"log_level": dg.Field(str, is_required=False, default_value="INFO")},
    description="One line per message on stderr: time, step, message.",
)
def compact_console(init_context: dg.InitLoggerContext) -> logging.Logger:
    level = init_context.logger_config["log_level"].upper()
    logger = logging.Logger("journey", level=level)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_CompactFormatter())
    logger.addHandler(handler)
    return logger
