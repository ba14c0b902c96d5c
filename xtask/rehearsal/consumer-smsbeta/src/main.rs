//! The rehearsal's consumer of `telauth-smsbeta` alone: logs in to the sandbox.

use md5::{Digest, Md5};
use telauth_smsbeta::{API_PATH, Client, Credentials, types::LoginRequest};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let var = |name| std::env::var(name);
    let digest: String = Md5::digest(var("SANDBOX_PASSWORD")?.as_bytes())
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect();
    let client = Client::new(
        &format!("{}{API_PATH}", var("SANDBOX_ORIGIN")?),
        Credentials::none(),
    );
    let login = client
        .login()
        .body(
            LoginRequest::builder()
                .mail(var("SANDBOX_USER")?)
                .password(digest),
        )
        .send()
        .await?
        .into_inner();
    let data = login.data.ok_or("the envelope has no data")?;
    println!(
        "logged in as {} (a token of {} characters)",
        data.mail,
        data.token.expose().len()
    );
    Ok(())
}
