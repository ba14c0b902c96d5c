//! The rehearsal's consumer of `telauth-mobivate` alone: gets an API key from the sandbox and
//! rotates it.

use telauth_mobivate::types::KeyRequest;
use telauth_mobivate::{API_PATH, Client, Credentials};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let var = |name| std::env::var(name);
    let base = format!("{}{API_PATH}", var("SANDBOX_ORIGIN")?);
    let request = || -> Result<_, std::env::VarError> {
        Ok(KeyRequest::builder()
            .username(var("SANDBOX_USER")?)
            .password(var("SANDBOX_PASSWORD")?))
    };
    let client = Client::new(&base, Credentials::none());
    let key = client
        .getkey()
        .body(request()?)
        .send()
        .await?
        .into_inner()
        .api_key;
    Client::new(&base, Credentials::bearer_auth(key))
        .test()
        .send()
        .await?;
    let rotated = client
        .createkey()
        .body(request()?)
        .send()
        .await?
        .into_inner()
        .api_key;
    let checked = Client::new(&base, Credentials::bearer_auth(rotated))
        .test()
        .send()
        .await?;
    println!("got the key, rotated it: {}", checked.into_inner().message);
    Ok(())
}
