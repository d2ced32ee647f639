"""A certificate authority and a server certificate made for one emulator run (``trustme``)."""

from __future__ import annotations

import os
import pathlib
import shutil
import ssl
import tempfile

import attrs


@attrs.frozen
class TLSFiles:
    """PEM files: the CA to trust, and the server's certificate chain and key."""

    ca_file: str
    cert_file: str
    key_file: str

    def client_context(self) -> ssl.SSLContext:
        """An SSL context trusting only this run's CA."""
        return ssl.create_default_context(cafile=self.ca_file)

    def remove(self) -> None:
        """Delete the folder :func:`make_tls_files` made for them (the private key with it)."""
        shutil.rmtree(os.path.dirname(self.ca_file), ignore_errors=True)


def make_tls_files(host: str, directory: str | None = None) -> TLSFiles:
    """A fresh CA and a certificate for ``host``, ``localhost`` and loopback, in ``directory``."""
    import trustme  # the emulator extra; only needed for Emulator(tls=True)

    folder = pathlib.Path(directory or tempfile.mkdtemp(prefix="replicate-emulator-tls-"))
    ca = trustme.CA()
    identities = dict.fromkeys([host, "localhost", "127.0.0.1", "::1"])
    cert = ca.issue_cert(*identities)
    paths = TLSFiles(str(folder / "ca.pem"), str(folder / "server.pem"), str(folder / "server.key"))
    ca.cert_pem.write_to_path(paths.ca_file)
    cert.private_key_pem.write_to_path(paths.key_file)
    with open(paths.cert_file, "wb") as chain:
        for blob in cert.cert_chain_pems:
            chain.write(blob.bytes())
    return paths
