//! `cargo run -p example-device` completes against the embedded mock with no input: the code
//! and URL are printed, the mock approves by itself, and the user comes out as JSON.

use std::process::{Command, Stdio};

#[test]
fn the_device_login_completes_against_the_embedded_mock_without_input() {
    let output = Command::new(env!("CARGO_BIN_EXE_example-device"))
        .env_remove("DEVICE_PROVIDER")
        .stdin(Stdio::null())
        .output()
        .expect("the example runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "stdout: {stdout}\nstderr: {stderr}"
    );
    assert!(
        stdout.contains("/site/oauth2/device and enter the code "),
        "{stdout}"
    );
    assert!(stderr.contains("embedded mock"), "{stderr}");
    assert!(stderr.contains("waiting for approval (check 1"), "{stderr}");

    let json_start = stdout
        .find("\n{")
        .expect("the user's JSON follows the instructions");
    let user: serde_json::Value =
        serde_json::from_str(&stdout[json_start..]).expect("the user is printed as JSON");
    assert_eq!(user["provider"], "mock");
    assert_eq!(user["oauth_id"], "3c5e0f9a-7b21-4d8e-9a44-6f0c2b1d8e73");
    assert_eq!(user["username"], "mira-ol");
    assert_eq!(user["first_name"], "Mira");
}

#[test]
fn a_provider_without_a_device_flow_is_refused_with_a_clear_message() {
    let output = Command::new(env!("CARGO_BIN_EXE_example-device"))
        .env("DEVICE_PROVIDER", "bitbucket")
        .stdin(Stdio::null())
        .output()
        .expect("the example runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success());
    assert!(stderr.contains("Bitbucket has no device flow"), "{stderr}");
}
