"""Site configuration: the schema of `site.toml` and its loader."""

from .load import default_config, did_you_mean, load_config, parse_config

__all__ = ["default_config", "did_you_mean", "load_config", "parse_config"]
