"""The configuration is one typed object, built once, that names the bad key when it fails."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.config import Config, ConfigError, load_config


def test_defaults_need_no_file() -> None:
    """With no file and no environment the embedded defaults apply."""
    config = load_config(environ={})
    assert config.smtp.port == 2525
    assert config.smtp.accept_recipients == ("abuse@localhost", "abuse@example.net")
    assert config.data_dir == Path("var")


def test_file_values_are_read(tmp_path: Path) -> None:
    """A TOML file sets values section by section."""
    path = tmp_path / "c.toml"
    path.write_text('[smtp]\nport = 2600\naccept_recipients = ["abuse@isp.test"]\n')
    config = load_config(path, environ={})
    assert config.smtp.port == 2600
    assert config.smtp.accept_recipients == ("abuse@isp.test",)


def test_unknown_key_is_named(tmp_path: Path) -> None:
    """A misspelt key fails start-up and the message names it with its section."""
    path = tmp_path / "c.toml"
    path.write_text("[smtp]\nprot = 25\n")
    with pytest.raises(ConfigError, match=r"smtp\.prot"):
        load_config(path, environ={})


def test_wrong_type_is_named() -> None:
    """A value of the wrong type fails start-up naming the key."""
    with pytest.raises(ConfigError, match=r"smtp\.port"):
        load_config(environ={"ABUSE_PIPELINE_SMTP__PORT": "twenty-five"})


def test_environment_overrides_file(tmp_path: Path) -> None:
    """ABUSE_PIPELINE_SECTION__KEY wins over the file's value."""
    path = tmp_path / "c.toml"
    path.write_text("[smtp]\nport = 2600\n")
    config = load_config(path, environ={"ABUSE_PIPELINE_SMTP__PORT": "2700"})
    assert config.smtp.port == 2700


def test_data_dir_argument_wins(tmp_path: Path) -> None:
    """--data-dir on the command line overrides the file and the environment."""
    config = load_config(data_dir=tmp_path, environ={"ABUSE_PIPELINE_DATA_DIR": "/elsewhere"})
    assert config.data_dir == tmp_path


def test_secret_from_file_is_masked(tmp_path: Path) -> None:
    """A secret read from a *_file key is available to code but masked in repr and str."""
    key_file = tmp_path / "dqs.key"
    key_file.write_text("s3cretdqskey0123\n")
    config = load_config(environ={"ABUSE_PIPELINE_DNSBL__DQS_KEY_FILE": str(key_file)})
    assert config.dnsbl.dqs_key is not None
    assert config.dnsbl.dqs_key.get_secret_value() == "s3cretdqskey0123"
    assert "s3cretdqskey0123" not in repr(config)
    assert "s3cretdqskey0123" in config.secrets()


def test_missing_secret_file_is_named(tmp_path: Path) -> None:
    """A secret file that cannot be read fails start-up naming the key and the path."""
    missing = tmp_path / "nope"
    with pytest.raises(ConfigError, match="dqs_key_file"):
        load_config(environ={"ABUSE_PIPELINE_DNSBL__DQS_KEY_FILE": str(missing)})


def test_invalid_toml_is_reported(tmp_path: Path) -> None:
    """A file that is not TOML fails with the file's name."""
    path = tmp_path / "broken.toml"
    path.write_text("[smtp\n")
    with pytest.raises(ConfigError, match=r"broken\.toml"):
        load_config(path, environ={})


def test_tls_needs_both_halves() -> None:
    """A certificate without its key is refused at start-up."""
    with pytest.raises(ConfigError, match="tls_cert and tls_key"):
        load_config(environ={"ABUSE_PIPELINE_SMTP__TLS_CERT": "/x.pem"})


def test_config_is_frozen() -> None:
    """The configuration cannot be changed after start-up."""
    config = Config()
    with pytest.raises(ValueError, match="frozen"):
        config.smtp.port = 1
