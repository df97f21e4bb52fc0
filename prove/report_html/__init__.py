"""The HTML report with pictures (`prove --html FILE`); see `page` and `pictures`."""

from prove.report_html.page import render, write_report

__all__ = ["render", "write_report"]
