//! Azure AD for remote write: a token for the managed identity from the
//! instance metadata service (a fake one on loopback, by
//! `AZURE_POD_IDENTITY_AUTHORITY_HOST`) is sent with every request.
//! Alone in its binary: it sets an environment variable.

mod support;

use support::{
    json_answer, recorder, run_until_recorded, scrape_to_remote_write, target, NO_CONTENT,
};

#[test]
fn managed_identity_tokens_authorize_remote_writes() {
    let (imds_port, imds) = recorder(json_answer(
        r#"{"access_token":"azure-token","expires_on":"4102444800","token_type":"Bearer"}"#,
    ));
    let (write_port, writes) = recorder(NO_CONTENT);
    // Alone in its binary, before any thread of its own: nothing else
    // reads the environment meanwhile.
    std::env::set_var("AZURE_POD_IDENTITY_AUTHORITY_HOST", format!("http://127.0.0.1:{imds_port}"));
    let config = scrape_to_remote_write(
        target(vec!["a 1\n"]),
        &format!("http://127.0.0.1:{write_port}/dataCollectionRules/x"),
        "\t\tazuread {\n\t\t\tmanaged_identity {\n\t\t\t\tclient_id = \"00000000-aaaa\"\n\t\t\t}\n\t\t}\n",
    );
    run_until_recorded(config, &writes, 2);
    let asked = imds.lock().unwrap().clone();
    assert_eq!(asked.len(), 1, "the token is kept: {asked:?}");
    let request = asked[0].to_ascii_lowercase();
    assert!(
        request.starts_with("get /metadata/identity/oauth2/token?api-version=2018-02-01&resource=https%3a%2f%2fmonitor.azure.com&client_id=00000000-aaaa "),
        "{request}"
    );
    assert!(request.contains("\r\nmetadata: true\r\n"), "{request}");
    for write in writes.lock().unwrap().iter() {
        assert!(
            write.to_ascii_lowercase().contains("\r\nauthorization: bearer azure-token\r\n"),
            "{write}"
        );
    }
}
