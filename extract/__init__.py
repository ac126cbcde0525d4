"""Turn China's government information disclosure annual reports into tidy datasets."""
__version__ = "0.1.0"
