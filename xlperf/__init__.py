"""xlperf: the quarterly police performance pack, from a workbook, in Excel or in batch."""

__version__ = "0.1.0"
