//! SigV4 keys from a web identity, as on EKS: the token file and role from
//! the environment are exchanged at STS (here a fake one on loopback, by
//! `AWS_ENDPOINT_URL_STS`) for temporary keys that sign remote writes.
//! Alone in its binary: it sets environment variables.

mod support;

use support::{recorder, run_until_recorded, scrape_to_remote_write, target, NO_CONTENT};

const STS_ANSWER: &str = "HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nContent-Length: 226\r\nConnection: close\r\n\r\n\
<AssumeRoleWithWebIdentityResponse><AssumeRoleWithWebIdentityResult><Credentials><AccessKeyId>ASIATEMP</AccessKeyId><SecretAccessKey>sec</SecretAccessKey><SessionToken>tok</SessionToken></Credentials></AssumeRoleWithWebIdentityResult></AssumeRoleWithWebIdentityResponse>";

#[test]
fn web_identity_keys_sign_remote_writes() {
    let dir = tempfile::tempdir().unwrap();
    let token = dir.path().join("token");
    std::fs::write(&token, "eyJ.web.identity\n").unwrap();
    let (sts_port, sts) = recorder(STS_ANSWER);
    let (write_port, writes) = recorder(NO_CONTENT);
    let env = [
        ("AWS_ENDPOINT_URL_STS", format!("http://127.0.0.1:{sts_port}/")),
        ("AWS_WEB_IDENTITY_TOKEN_FILE", token.display().to_string()),
        ("AWS_ROLE_ARN", "arn:aws:iam::123456789012:role/flow".to_owned()),
        ("AWS_SHARED_CREDENTIALS_FILE", dir.path().join("none").display().to_string()),
    ];
    // This test is alone in its binary and sets the variables before it
    // starts a runtime: no other thread reads the environment meanwhile.
    for (name, value) in env {
        std::env::set_var(name, value);
    }
    for name in ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_PROFILE"] {
        std::env::remove_var(name);
    }
    let config = scrape_to_remote_write(
        target(vec!["a 1\n"]),
        &format!("http://127.0.0.1:{write_port}/api/v1/remote_write"),
        "\t\tsigv4 {\n\t\t\tregion = \"eu-west-1\"\n\t\t}\n",
    );
    run_until_recorded(config, &writes, 2);
    let exchanges = sts.lock().unwrap().clone();
    assert_eq!(exchanges.len(), 1, "the temporary keys are kept: {exchanges:?}");
    assert!(exchanges[0].contains("Action=AssumeRoleWithWebIdentity"), "{}", exchanges[0]);
    assert!(exchanges[0].contains("WebIdentityToken=eyJ.web.identity"), "{}", exchanges[0]);
    for write in writes.lock().unwrap().iter() {
        let write = write.to_ascii_lowercase();
        assert!(write.contains("credential=asiatemp/"), "{write}");
        assert!(write.contains("\r\nx-amz-security-token: tok\r\n"), "{write}");
    }
}
