//! `wss://` is a WebSocket inside TLS. This module makes what TLS needs for
//! tests and local work: a certificate authority of our own, made at run time,
//! a server certificate it signs for `localhost` and `127.0.0.1`, and the two
//! rustls configurations that use them.
//!
//! The crypto provider is `ring`: it builds with a C compiler alone. rustls'
//! default, aws-lc-rs, also needs cmake (and NASM on Windows).

use std::sync::Arc;

use rcgen::{
    BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair,
    KeyUsagePurpose, PublicKeyData,
};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use rustls::{ClientConfig, RootCertStore, ServerConfig};

/// The names the test server's certificate is valid for.
pub const SERVER_NAMES: [&str; 2] = ["localhost", "127.0.0.1"];

/// A test CA and a server certificate it signed, all made in memory.
pub struct TestCertificates {
    /// The CA's own certificate: what a client trusts.
    pub ca: CertificateDer<'static>,
    /// The server's certificate, signed by the CA.
    pub server: CertificateDer<'static>,
    /// The server certificate's public key (X.509 SubjectPublicKeyInfo, DER):
    /// what Chromium's `--ignore-certificate-errors-spki-list` pins.
    pub server_spki: Vec<u8>,
    server_key: Vec<u8>,
}

impl TestCertificates {
    /// Makes a new CA and a server certificate for [`SERVER_NAMES`].
    pub fn generate() -> Result<Self, rcgen::Error> {
        let mut ca_params = CertificateParams::new(Vec::<String>::new())?;
        ca_params
            .distinguished_name
            .push(DnType::CommonName, "Socket to WebSocket test CA");
        ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        ca_params.key_usages =
            vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
        let ca_key = KeyPair::generate()?;
        let ca = ca_params.self_signed(&ca_key)?;
        let issuer = Issuer::new(ca_params, ca_key);

        let names = SERVER_NAMES.map(String::from).to_vec();
        let server_params = CertificateParams::new(names)?;
        let server_key = KeyPair::generate()?;
        let server = server_params.signed_by(&server_key, &issuer)?;
        Ok(TestCertificates {
            ca: ca.der().clone(),
            server: server.der().clone(),
            server_spki: server_key.subject_public_key_info(),
            server_key: server_key.serialize_der(),
        })
    }

    /// The server's private key, PKCS #8 DER, as rustls takes it.
    pub fn server_key(&self) -> PrivateKeyDer<'static> {
        PrivatePkcs8KeyDer::from(self.server_key.clone()).into()
    }
}

fn provider() -> Arc<rustls::crypto::CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

// ANCHOR: server_config
/// The server side of TLS: present the server certificate, ask clients for
/// none, and offer HTTP/1.1 in ALPN (RFC 6455 section 4.1: the handshake is
/// an HTTP/1.1 request, so a browser over h2 must not pick this connection).
pub fn server_config(
    certificates: &TestCertificates,
) -> Result<Arc<ServerConfig>, rustls::Error> {
    todo!("ServerConfig with the certificate, ALPN http/1.1")
}
// ANCHOR_END: server_config

// ANCHOR: client_config
/// The client side: trust the test CA and nothing else, so a certificate
/// that some other authority signed is refused.
pub fn client_config(
    certificates: &TestCertificates,
) -> Result<Arc<ClientConfig>, rustls::Error> {
    todo!("trust the test CA only (RootCertStore)")
}
// ANCHOR_END: client_config
