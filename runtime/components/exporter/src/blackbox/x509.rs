//! What the exporter's certificate metrics say of a certificate: its
//! expiry, SHA-256 fingerprint, DNS names, and subject and issuer written
//! as Go's `pkix.Name.String()` writes them (RFC 2253 order, the
//! attributes Go knows by name first in its fixed order, others as
//! `OID=#hex`).

use x509_parser::prelude::{FromDer, GeneralName, X509Certificate, X509Name};

pub struct Cert {
    pub not_after: i64,
    pub fingerprint: String,
    pub subject: String,
    pub issuer: String,
    pub dns_names: String,
}

impl Cert {
    pub fn parse(der: &[u8]) -> Option<Cert> {
        let (_, cert) = X509Certificate::from_der(der).ok()?;
        let digest = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, der);
        let fingerprint = digest.as_ref().iter().map(|b| format!("{b:02x}")).collect();
        let dns_names = match cert.subject_alternative_name() {
            Ok(Some(san)) => san
                .value
                .general_names
                .iter()
                .filter_map(|n| match n {
                    GeneralName::DNSName(name) => Some(*name),
                    _ => None,
                })
                .collect::<Vec<_>>()
                .join(","),
            _ => String::new(),
        };
        Some(Cert {
            not_after: cert.validity().not_after.timestamp(),
            fingerprint,
            subject: go_name(cert.subject()),
            issuer: go_name(cert.issuer()),
            dns_names,
        })
    }
}

/// The attributes Go parses into named fields, in `ToRDNSequence`'s
/// order, with their short names.
const NAMED: &[(&str, &str)] = &[
    ("2.5.4.6", "C"),
    ("2.5.4.8", "ST"),
    ("2.5.4.7", "L"),
    ("2.5.4.9", "STREET"),
    ("2.5.4.17", "POSTALCODE"),
    ("2.5.4.10", "O"),
    ("2.5.4.11", "OU"),
    ("2.5.4.3", "CN"),
    ("2.5.4.5", "SERIALNUMBER"),
];

fn go_name(name: &X509Name) -> String {
    let attrs: Vec<(String, String)> = name
        .iter_attributes()
        .map(|a| {
            let text = a.as_str().map(str::to_owned).unwrap_or_default();
            (a.attr_type().to_id_string(), text)
        })
        .collect();
    // RDNs as Go orders them before writing them in reverse: others first
    // (so they come last), then one RDN per named type.
    let mut rdns: Vec<Vec<String>> = attrs
        .iter()
        .filter(|(oid, _)| !NAMED.iter().any(|(known, _)| known == oid))
        .map(|(oid, text)| vec![format!("{oid}=#{}", hex_der(text))])
        .collect();
    for (oid, short) in NAMED {
        let values: Vec<String> = attrs
            .iter()
            .filter(|(o, _)| o == oid)
            .map(|(_, text)| format!("{short}={}", escape(text)))
            .collect();
        if !values.is_empty() {
            rdns.push(values);
        }
    }
    rdns.iter().rev().map(|rdn| rdn.join("+")).collect::<Vec<_>>().join(",")
}

/// How Go's `asn1.Marshal` encodes a string (printable, else UTF-8), hex.
fn hex_der(text: &str) -> String {
    let printable = text.bytes().all(|b| b.is_ascii_alphanumeric() || b" '()+,-./:=?".contains(&b));
    let mut der = vec![if printable { 0x13 } else { 0x0c }];
    let len = text.len();
    if len < 128 {
        der.push(len as u8);
    } else {
        let bytes: Vec<u8> = len.to_be_bytes().into_iter().skip_while(|b| *b == 0).collect();
        der.push(0x80 | bytes.len() as u8);
        der.extend(bytes);
    }
    der.extend(text.as_bytes());
    der.iter().map(|b| format!("{b:02x}")).collect()
}

/// RFC 2253 escaping as Go applies it.
fn escape(text: &str) -> String {
    let count = text.chars().count();
    let mut out = String::with_capacity(text.len());
    for (i, c) in text.chars().enumerate() {
        let needs = match c {
            ',' | '+' | '"' | '\\' | '<' | '>' | ';' => true,
            ' ' => i == 0 || i + 1 == count,
            '#' => i == 0,
            _ => false,
        };
        if needs {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_as_go() {
        assert_eq!(escape("a,b"), "a\\,b");
        assert_eq!(escape(" x "), "\\ x\\ ");
        assert_eq!(escape("#x#"), "\\#x#");
        assert_eq!(hex_der("ab"), "13026162");
        assert_eq!(hex_der("a@b"), "0c03614062");
    }
}
